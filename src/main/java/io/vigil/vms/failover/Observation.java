package io.vigil.vms.failover;

import java.util.Map;

/**
 * What the coordinator sees at one moment: which watched recording servers are alive, and each
 * failover server's state. A recording server missing from {@code recordingServersAlive} is no
 * longer watched (deleted or disabled); a failover server missing from {@code failoverServers} is
 * treated as down.
 */
public record Observation(Map<Long, Boolean> recordingServersAlive, Map<Long, FailoverServerState> failoverServers) {

    /**
     * One failover server: {@code enabled} in the configuration, {@code alive} (its connection to
     * the coordinator is up), {@code busy} by its own report (for instance still merging after a
     * hand-back); a server covering a recording server is busy as well, whatever it reports.
     */
    public record FailoverServerState(boolean enabled, boolean alive, boolean busy) {
    }

    public Observation {
        recordingServersAlive = Map.copyOf(recordingServersAlive);
        failoverServers = Map.copyOf(failoverServers);
    }

    boolean alive(long recordingServer) {
        return Boolean.TRUE.equals(recordingServersAlive.get(recordingServer));
    }

    boolean watched(long recordingServer) {
        return recordingServersAlive.containsKey(recordingServer);
    }

    boolean failoverServerAlive(long failoverServer) {
        FailoverServerState f = failoverServers.get(failoverServer);
        return f != null && f.alive();
    }

    /** Free to take a new recording server, ignoring covers (which the decision checks itself). */
    boolean available(long failoverServer) {
        FailoverServerState f = failoverServers.get(failoverServer);
        return f != null && f.enabled() && f.alive() && !f.busy();
    }
}
