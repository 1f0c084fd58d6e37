package io.vigil.it.net;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The chaos run's fault injector: from a seed, one random fault at a time on a {@link LabCluster},
 * each undone by {@link Fault#heal()}. The kinds are issue 4's list, and with a database issue 13's
 * two more: kill -9 of a node's PostgreSQL alone, and a full disk under the SECOND's database
 * (freed at the heal). The node a fault hits is
 * drawn as "the PRIM" or "the other one" and resolved when it is applied, so the same seed hits
 * the same roles whichever node happens to be PRIM.
 */
final class ChaosNemesis {
    enum Kind { KILL, LINK_DOWN, PAUSE, PARTITION, LOSS, SERVICE_CRASH, DATABASE_KILL, DISK_FULL }

    /** Issue 4's kinds, the only ones without a database (the same seed draws the same faults as before). */
    private static final List<Kind> WITHOUT_DATABASE = List.of(Kind.KILL, Kind.LINK_DOWN, Kind.PAUSE, Kind.PARTITION,
            Kind.LOSS, Kind.SERVICE_CRASH);

    /** An applied fault; {@link #heal()} undoes it (idempotent). */
    interface Fault {
        String describe();

        void heal() throws Exception;
    }

    private static final List<String[]> PAIRS = List.of(new String[] {"node1", "node2"},
            new String[] {"node1", "witness"}, new String[] {"node2", "witness"});

    private final LabCluster c;
    private final SplittableRandom random;
    private final List<Kind> kinds;

    /** @param database the nodes run PostgreSQL, on file systems {@link LabCluster#limitDatabaseDisk} made */
    ChaosNemesis(LabCluster c, long seed, boolean database) {
        this.c = c;
        this.random = new SplittableRandom(seed);
        // -Dchaos.kinds=DATABASE_KILL,DISK_FULL draws from those only (to exercise a fault on purpose).
        String only = System.getProperty("chaos.kinds", "");
        this.kinds = !only.isBlank() ? java.util.Arrays.stream(only.split(",")).map(String::strip).map(Kind::valueOf).toList()
                : database ? List.of(Kind.values()) : WITHOUT_DATABASE;
    }

    /** A number in [min, max) from the seeded stream, for the caller's hold and gap times. */
    long between(long min, long max) {
        return max <= min ? min : random.nextLong(min, max);
    }

    /** Draws and applies the next fault. */
    Fault next() throws Exception {
        Kind kind = kinds.get(random.nextInt(kinds.size()));
        boolean hitPrim = random.nextInt(3) < 2; // the PRIM is the interesting target, two times in three
        double loss = 0.2 + random.nextInt(31) / 100.0;
        String[] pair = PAIRS.get(random.nextInt(PAIRS.size()));
        int id = target(hitPrim);
        String node = "node" + id;
        NetLab lab = c.lab;
        switch (kind) {
            case KILL -> {
                c.cluster.kill(id);
                return fault("kill -9 " + node + " (daemon and services)", () -> c.cluster.start(id));
            }
            case LINK_DOWN -> {
                lab.linkDown(node);
                return fault("link down " + node, () -> lab.linkUp(node));
            }
            case PAUSE -> {
                c.cluster.pauseDaemon(id, true);
                return fault("SIGSTOP " + node + "'s daemon", () -> c.cluster.pauseDaemon(id, false));
            }
            case PARTITION -> {
                lab.partition(pair[0], pair[1]);
                return fault("partition " + pair[0] + " " + pair[1], () -> lab.heal(pair[0], pair[1]));
            }
            case LOSS -> {
                lab.loss(node, loss);
                return fault(String.format(Locale.ROOT, "%.0f%% packet loss at %s", loss * 100, node),
                        () -> lab.noLoss(node));
            }
            case SERVICE_CRASH -> {
                long pid = c.servicePid(id);
                if (pid > 0) {
                    new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
                }
                return fault("kill -9 " + node + "'s management server" + (pid > 0 ? "" : " (not running)"), () -> { });
            }
            case DATABASE_KILL -> {
                long pid = c.cluster.databasePid(id);
                c.cluster.killDatabase(id); // the postmaster only: the daemon notices and restarts it
                return fault("kill -9 " + node + "'s PostgreSQL" + (pid > 0 ? " (postmaster " + pid + ")" : " (not running)"),
                        () -> { });
            }
            case DISK_FULL -> {
                int second = target(false);
                java.nio.file.Path filler = c.fillDatabaseDisk(second);
                return fault("disk full under node" + second + "'s database", () -> c.freeDatabaseDisk(filler));
            }
            default -> throw new IllegalStateException("unknown fault " + kind);
        }
    }

    private int target(boolean prim) throws IOException {
        int p = runsServices(c.lastState(1)) ? 1 : runsServices(c.lastState(2)) ? 2 : 1;
        return prim ? p : 3 - p;
    }

    private static boolean runsServices(String state) {
        return "PRIM".equals(state) || "ALONE".equals(state);
    }

    private interface Healer {
        void run() throws Exception;
    }

    private static Fault fault(String what, Healer healer) {
        return new Fault() {
            private boolean healed;

            @Override
            public String describe() {
                return what;
            }

            @Override
            public void heal() throws Exception {
                if (!healed) {
                    healed = true;
                    healer.run();
                }
            }
        };
    }
}
