package io.vigil.core;

import java.util.ArrayList;
import java.util.List;

/** The status snapshot of a {@link Node} (what {@code vigil status} and the console show). Reads only. */
final class StatusReport {

    private StatusReport() {
    }

    static NodeStatus of(Node n) {
        long now = n.clock.nowMs();
        Heartbeat p = n.peer.live();
        return new NodeStatus(n.cfg.nodeId(), n.state(), n.colour(), n.reason, n.epoch, n.dataEpoch, n.sync,
                n.services, n.synchronous, p != null, p == null ? null : p.state(),
                p == null ? null : peerSyncAsSeenHere(n, p), n.failoverEnabled, n.detectionSuspended,
                n.checkersRunning, n.bootMode, n.cfg.witnessConfigured(), n.forced, n.flaps.recent(now),
                warnings(n, p, now), n.auth.leaseValid(now, 0) ? n.auth.leaseValidUntil() - now : -1);
    }

    private static List<String> warnings(Node n, Heartbeat p, long now) {
        List<String> warnings = new ArrayList<>();
        if (!n.cfg.witnessConfigured()) {
            warnings.add("no witness configured: a network split between the nodes runs the services on both");
        }
        if (!n.failoverEnabled) {
            warnings.add("failover is off: the services will not move automatically");
        }
        if (n.detectionSuspended) {
            warnings.add("error detection is suspended");
        }
        if (!n.flaps.allows(now, p == null ? 0 : p.recentFailovers())) {
            warnings.add("flapping protection: " + n.flaps.max()
                    + " automatic failovers in the window; no more automatic moves");
        }
        return List.copyOf(warnings);
    }

    /** The peer's sync status, "not uptodate" until its data has caught up with our epoch. */
    private static SyncStatus peerSyncAsSeenHere(Node n, Heartbeat p) {
        if (n.services.claimed() && p.state() == NodeState.SECOND && p.dataEpoch() < n.epoch
                && p.sync() == SyncStatus.UPTODATE) {
            return SyncStatus.NOT_UPTODATE;
        }
        return p.sync();
    }
}
