package io.vigil.vms.failover;

import java.time.Instant;

/** What a {@link TakeoverDecider} step asks the coordinator to do or report; data, executed by the coordinator. */
public sealed interface Effect {

    /** {@code failoverServer} starts covering {@code recordingServer}, which has been down since {@code downSince}. */
    record TakeOver(long recordingServer, long failoverServer, Topology.Route route, Instant downSince) implements Effect {
    }

    /** {@code recordingServer} is back and stable: {@code failoverServer} stops covering it and hands back. */
    record HandBack(long recordingServer, long failoverServer) implements Effect {
    }

    /** {@code failoverServer} died while covering {@code recordingServer}; another is chosen in the same step if any. */
    record CoverLost(long recordingServer, long failoverServer) implements Effect {
    }

    /** {@code recordingServer} is down and no failover server can take it; reported once per outage (an event). */
    record Uncovered(long recordingServer, String reason) implements Effect {
    }
}
