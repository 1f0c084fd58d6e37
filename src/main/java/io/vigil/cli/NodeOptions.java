package io.vigil.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to running nodes. */
final class NodeOptions {

    @Option(names = "--config", paramLabel = "FILE", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
    Path config;

    @Option(names = "--cluster", description = "Act on both nodes: this node's admin channel and the peer's "
            + "(peer.adminAddress / peer.adminPort).")
    boolean cluster;

    @Option(names = "--node", paramLabel = "1|2", description = "Act on this node only, by id (this node or the peer).")
    Integer node;

    @Option(names = "--json", description = "Machine-readable output: the node's JSON (an array with --cluster).")
    boolean json;
}
