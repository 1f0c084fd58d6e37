package io.vigil.vms.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The failover configuration the decision needs: each protected recording server's
 * {@link Protection}, and each failover group's servers in sequence order. The management
 * server's rules (a failover server in at most one group, never both grouped and a hot standby)
 * are enforced where the configuration is written; the decision stays safe without them, since
 * it never gives one failover server two recording servers.
 */
public record Topology(Map<Long, Protection> protections, Map<Long, List<Long>> groups) {

    /** Where a candidate comes from: what the takeover event reports. */
    public enum Route { HOT_STANDBY, PRIMARY_GROUP, SECONDARY_GROUP }

    /** One failover server that may take over, and through which route. */
    public record Candidate(long failoverServer, Route route) {
    }

    public Topology {
        protections = Map.copyOf(protections);
        Map<Long, List<Long>> copy = new java.util.HashMap<>();
        groups.forEach((g, servers) -> copy.put(g, List.copyOf(servers)));
        groups = Map.copyOf(copy);
    }

    /** The servers that may cover {@code recordingServer}, in the order they are to be tried (none when unprotected). */
    public List<Candidate> candidates(long recordingServer) {
        List<Candidate> out = new ArrayList<>();
        Protection p = protections.get(recordingServer);
        if (p instanceof Protection.Hot hot) {
            out.add(new Candidate(hot.standby(), Route.HOT_STANDBY));
        } else if (p instanceof Protection.Cold cold) {
            groups.getOrDefault(cold.primaryGroup(), List.of()).forEach(f -> out.add(new Candidate(f, Route.PRIMARY_GROUP)));
            if (cold.secondaryGroup() != null) {
                groups.getOrDefault(cold.secondaryGroup(), List.of())
                        .forEach(f -> out.add(new Candidate(f, Route.SECONDARY_GROUP)));
            }
        }
        return out;
    }
}
