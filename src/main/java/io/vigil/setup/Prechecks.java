package io.vigil.setup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the {@link Prerequisites} that apply to a step and stops it when one fails. In loopback
 * mode (both nodes on one machine, asked for with {@code --loopback}: tests and trials) the
 * checks a loopback address fails by design (name resolution, subnet, virtual IP) are skipped,
 * and the output says so; ports and the database are still checked.
 */
final class Prechecks {
    private static final List<String> NETWORK = List.of("name resolution of ", "one subnet", "virtual IP ");

    private Prechecks() {
    }

    static void require(Prerequisites prerequisites, SetupPlan plan, boolean loopback, Consumer<String> out)
            throws SetupException {
        Map<String, Check> byName = new LinkedHashMap<>();
        for (Check c : prerequisites.run(plan)) {
            if (!(loopback && NETWORK.stream().anyMatch(c.name()::startsWith))) {
                byName.putIfAbsent(c.name(), c); // node 2 checks its own name once, not as both nodes
            }
        }
        if (loopback) {
            out.accept("loopback mode (--loopback): name resolution, subnet and virtual IP checks skipped");
        }
        List<String> failed = new ArrayList<>();
        for (Check c : byName.values()) {
            out.accept((c.ok() ? "ok    " : "FAIL  ") + c.name() + ": " + c.message());
            if (!c.ok()) {
                failed.add(c.name() + ": " + c.message());
            }
        }
        if (!failed.isEmpty()) {
            throw new SetupException(failed.size() + " prerequisite check" + (failed.size() == 1 ? "" : "s")
                    + " failed, nothing was changed: " + String.join("; ", failed));
        }
    }

    /** The ports node {@code id} will serve (every one configurable, so two nodes fit on one machine). */
    static List<SetupPlan.Port> ports(int id, LocalNode me, int heartbeatBasePort, String database, int pairingPort) {
        List<SetupPlan.Port> p = new ArrayList<>();
        if (pairingPort > 0) {
            p.add(new SetupPlan.Port("tcp", pairingPort, "pairing during setup"));
        }
        p.add(new SetupPlan.Port("tcp", me.consolePort(), "console (" + (me.https() ? "HTTPS" : "HTTP") + ")"));
        p.add(new SetupPlan.Port("tcp", me.adminPort(), "admin channel"));
        if (heartbeatBasePort > 0) {
            p.add(new SetupPlan.Port("udp", heartbeatBasePort + id - 1, "heartbeats"));
        }
        if ("internal".equals(database)) {
            p.add(new SetupPlan.Port("tcp", me.databasePort(), "PostgreSQL"));
        }
        return p;
    }
}
