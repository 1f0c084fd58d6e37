package io.vigil.console;

import io.vigil.core.NodeStatus;
import io.vigil.api.DaemonStatus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Both nodes as the console shows them. This node's snapshot is read directly (a volatile
 * read); the peer's is fetched by a background poller every {@link #PEER_POLL_MS} so that HTTP
 * requests and the event stream never wait on the network, and a dead peer shows up as an
 * "unreachable" entry instead of a hanging page.
 */
final class ClusterView implements AutoCloseable {

    static final long PEER_POLL_MS = 200;

    /**
     * One node's entry in {@code GET /api/cluster}.
     *
     * @param error   why the node could not be reached, or null
     * @param status  its snapshot, or null when unreachable
     * @param actions the menu entries and whether they are available now
     */
    record NodeView(int id, String name, boolean local, boolean reachable, String error, DaemonStatus status,
                    Map<String, ActionRules.Availability> actions) { }

    /** The whole answer of {@code GET /api/cluster}. */
    record Snapshot(String clusterName, int consoleNode, String vip, boolean dataSyncShown, List<NodeView> nodes) { }

    private final NodeAccess local;
    private final NodeAccess peer;
    private final NodeAccess peerPoll;
    private final String clusterName;
    private final String vip;
    private final ScheduledExecutorService poller;
    private volatile DaemonStatus peerStatus;
    private volatile String peerError = "not contacted yet";

    /** @param peerPoll the peer again, with a short timeout: a dead peer must not delay the view */
    ClusterView(NodeAccess local, NodeAccess peer, NodeAccess peerPoll, String clusterName, String vip) {
        this.local = local;
        this.peer = peer;
        this.peerPoll = peerPoll;
        this.clusterName = clusterName;
        this.vip = vip;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-console-peer");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        poller.scheduleWithFixedDelay(this::pollPeer, 0, PEER_POLL_MS, TimeUnit.MILLISECONDS);
    }

    private void pollPeer() {
        try {
            peerStatus = peerPoll.status();
            peerError = null;
        } catch (NodeAccess.NodeUnavailable e) {
            peerStatus = null;
            peerError = e.getMessage();
        } catch (RuntimeException e) {
            // Keep polling whatever a single answer did; the page shows the peer as unreachable.
            peerStatus = null;
            peerError = "unexpected answer from the peer: " + e;
        }
    }

    /** @return the node with that id, or null when it is neither this node nor its peer */
    NodeAccess node(int id) {
        if (id == local.id()) {
            return local;
        }
        return id == peer.id() ? peer : null;
    }

    boolean peerReachable() {
        return peerStatus != null;
    }

    Snapshot snapshot() {
        DaemonStatus mine;
        try {
            mine = local.status();
        } catch (NodeAccess.NodeUnavailable e) {
            throw new IllegalStateException("the local node always answers", e);
        }
        DaemonStatus theirs = peerStatus;
        NodeStatus theirNode = theirs == null ? null : theirs.node();
        NodeView me = new NodeView(local.id(), "node" + local.id(), true, true, null, mine,
                ActionRules.of(mine.node(), theirNode));
        NodeView other = theirs == null
                ? new NodeView(peer.id(), "node" + peer.id(), false, false, peerError, null, ActionRules.unreachable())
                : new NodeView(peer.id(), "node" + peer.id(), false, true, null, theirs,
                        ActionRules.of(theirNode, mine.node()));
        List<NodeView> nodes = local.id() < peer.id() ? List.of(me, other) : List.of(other, me);
        // The sync column means nothing when no node replicates data (external database): hide it then.
        // SPEC §5: the data sync column only when Vigil replicates the database.
        boolean syncShown = mine.replicated();
        return new Snapshot(clusterName, local.id(), vip, syncShown, nodes);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
