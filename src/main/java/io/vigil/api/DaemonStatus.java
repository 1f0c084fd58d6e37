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
        io.vigil.replication.DatabaseNode.Progress databaseResync) {

    /** Whether data sync means anything here (SPEC §5: no sync column with an external database). */
    public boolean replicated() {
        return "internal".equals(database);
    }

    /** One heartbeat network as seen from this node. */
    public record NetworkLink(String local, String peer, long lastHeardMsAgo, String lastError) {
    }
}
