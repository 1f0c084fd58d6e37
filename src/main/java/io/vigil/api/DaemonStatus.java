package io.vigil.api;

import io.vigil.core.NodeStatus;
import io.vigil.resource.ResourceStatus;

import java.util.List;
import java.util.Map;

/**
 * Everything `vigil status` and the console show about one node, as one immutable value.
 *
 * @param node          the state machine's snapshot
 * @param hostName      this node's host name
 * @param peerHostName  the peer's configured host name
 * @param clusterName   cluster name from the configuration
 * @param version       Vigil version running here
 * @param uptimeMs      time since the daemon started
 * @param resources     each protected resource
 * @param networks      each heartbeat network and when it last carried a heartbeat
 * @param rejectedHeartbeats datagrams refused on the heartbeat port, by reason
 * @param database      "internal" (replicated by Vigil), "external" (not replicated: no data sync
 *                      to show) or "none"
 * @param directories  each replicated directory's sync status (empty when none is configured)
 * @param databaseResync the database resync in progress on this node, or null
 * @param license       the license state (SPEC §8), or null before the first check
 */
public record DaemonStatus(
        NodeStatus node,
        String hostName,
        String peerHostName,
        String clusterName,
        String version,
        long uptimeMs,
        List<ResourceStatus> resources,
        List<NetworkLink> networks,
        Map<String, Long> rejectedHeartbeats,
        String database,
        List<io.vigil.dirsync.DirectoryStatus> directories,
        io.vigil.replication.DatabaseNode.Progress databaseResync,
        LicenseInfo license) {

    /** Without a license state (before the node's first check, and in tests that do not need one). */
    public DaemonStatus(NodeStatus node, String hostName, String peerHostName, String clusterName, String version,
                        long uptimeMs, List<ResourceStatus> resources, List<NetworkLink> networks,
                        Map<String, Long> rejectedHeartbeats, String database,
                        List<io.vigil.dirsync.DirectoryStatus> directories,
                        io.vigil.replication.DatabaseNode.Progress databaseResync) {
        this(node, hostName, peerHostName, clusterName, version, uptimeMs, resources, networks, rejectedHeartbeats,
                database, directories, databaseResync, null);
    }

    /** Whether data sync means anything here (SPEC §5: no sync column with an external database). */
    public boolean replicated() {
        return "internal".equals(database);
    }

    /**
     * The license state as operators see it.
     *
     * @param state   licensed, demo or unlicensed
     * @param message what it means and, when something is wrong, what to do
     */
    public record LicenseInfo(String state, String message) {
    }

    /** One heartbeat network as seen from this node. */
    public record NetworkLink(String local, String peer, long lastHeardMsAgo, String lastError) {
    }
}
