package io.vigil.cli;

import io.vigil.config.VigilConfig;

import java.util.ArrayList;
import java.util.List;

/** A node's admin channel as the CLI reaches it. */
record Target(int nodeId, String host, int port) {

    String address() {
        return host + ":" + port;
    }

    /** The nodes selected by --cluster / --node (default: this node), in node-id order. */
    static List<Target> select(VigilConfig config, NodeOptions options) throws CliException {
        Target local = new Target(config.node().id(), connectable(config.admin().bindAddress()), config.admin().port());
        Target peer = new Target(config.node().peerId(), config.peer().adminAddress(), config.peer().adminPort());
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

    /** A node listening on every interface is reached on loopback from its own machine. */
    private static String connectable(String bindAddress) {
        return bindAddress == null || bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
    }
}
