package io.vigil.cli;

import io.vigil.config.VigilConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node as the CLI reaches it (issue 12): always through this machine's node and its local
 * socket ({@code admin.socket}), which relays to the peer over the TLS admin channel when
 * {@code relayed}. So the CLI reads no key, and only the daemon holds the node's certificates.
 */
record Target(int nodeId, Path socket, boolean relayed) {

    String address() {
        return relayed ? socket + " (relayed to node " + nodeId + ")" : socket.toString();
    }

    /** The nodes selected by --cluster / --node (default: this node), in node-id order. */
    static List<Target> select(VigilConfig config, NodeOptions options) throws CliException {
        Path socket = config.admin().socketPath(config.node().dataDir());
        Target local = new Target(config.node().id(), socket, false);
        Target peer = new Target(config.node().peerId(), socket, true);
        if (options.cluster && options.node != null) {
            throw new CliException(ExitCode.USAGE, "--cluster and --node exclude each other: "
                    + "--cluster acts on both nodes, --node on one.");
        }
        if (options.cluster) {
            List<Target> both = new ArrayList<>(List.of(local, peer));
            both.sort((a, b) -> Integer.compare(a.nodeId(), b.nodeId()));
            return both;
        }
        if (options.node == null || options.node == local.nodeId()) {
            return List.of(local);
        }
        if (options.node == peer.nodeId()) {
            return List.of(peer);
        }
        throw new CliException(ExitCode.USAGE, "--node " + options.node + ": a cluster has node 1 and node 2 only.");
    }
}
