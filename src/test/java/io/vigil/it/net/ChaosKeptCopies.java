package io.vigil.it.net;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The data directories the nodes keep aside after a split brain (SPEC §4; {@code data.diverged-STAMP}
 * beside each node's data directory, named by the DIVERGENT_DATA_KEPT alarm), so that the chaos run
 * can count the thrown-away acknowledged changes in them instead of trusting the alarm. A node keeps
 * only its newest few copies, so each is snapshotted (cp -a, outside the node's database disk) as
 * soon as it appears; after the run each snapshot is started alone (its own port, a unix socket
 * only, trust for the local user, no standby or archive settings) and asked which changes it holds.
 * The copies the nodes keep are never touched.
 */
final class ChaosKeptCopies implements AutoCloseable {
    /** PgResync.DIVERGED: the label of a data directory kept because of a split brain. */
    private static final String KEPT_LABEL = ".diverged-";
    private static final String PG_BIN = "/usr/lib/postgresql/15/bin/";
    private static final Duration PG_TIMEOUT = Duration.ofMinutes(3);

    /** A copy a node kept aside ("node1:/var/tmp/.../node1/data.diverged-...") and what it holds. */
    record Kept(String where, Set<Long> changes, String error) {
    }

    private final LabCluster c;
    private final Path into;
    /** Kept directory (as the node named it) -> its snapshot, in the order they appeared. */
    private final Map<String, Path> snapshots = new ConcurrentSkipListMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();

    private ChaosKeptCopies(LabCluster c, Path into) {
        this.c = c;
        this.into = into;
    }

    /** Starts watching both nodes' database directories, every second. */
    static ChaosKeptCopies watch(LabCluster c) throws IOException {
        Path into = c.cluster.databaseDir(1).getParent().getParent().resolve("kept-snapshots");
        Files.createDirectories(into);
        ChaosKeptCopies k = new ChaosKeptCopies(c, into);
        k.poller.scheduleWithFixedDelay(k::poll, 1, 1, TimeUnit.SECONDS);
        return k;
    }

    private void poll() {
        for (int id = 1; id <= 2; id++) {
            Path data = c.cluster.databaseDir(id);
            try (Stream<Path> siblings = Files.list(data.getParent())) {
                for (Path kept : siblings.filter(p -> p.getFileName().toString()
                        .startsWith(data.getFileName() + KEPT_LABEL)).sorted().toList()) {
                    String where = "node" + id + ":" + kept;
                    if (!snapshots.containsKey(where)) {
                        Path snap = into.resolve("node" + id + "-" + kept.getFileName());
                        if (Cmd.run(List.of("cp", "-a", kept.toString(), snap.toString()), PG_TIMEOUT).ok()) {
                            snapshots.put(where, snap);
                        } else {
                            Cmd.run("rm", "-rf", snap.toString()); // moved back or away while copied: next poll
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the directory is being replaced by a resync: the next poll sees it
            }
        }
    }

    /** Stops watching (one last look first) and reads every snapshot. */
    List<Kept> read(String query) throws InterruptedException {
        poller.shutdown();
        poller.awaitTermination(PG_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        poll();
        List<Kept> out = new ArrayList<>();
        for (Map.Entry<String, Path> e : snapshots.entrySet()) {
            out.add(read(e.getKey(), e.getValue(), query));
        }
        return out;
    }

    /** Each snapshot is started alone with its socket in {@link #into} (a short path: sockets are limited to 107 bytes). */
    private Kept read(String where, Path snap, String query) {
        try {
            String owner = Files.getOwner(snap).getName();
            Cmd.run("chown", owner, into.toString()).orThrow();
            Files.deleteIfExists(snap.resolve("standby.signal"));
            Files.deleteIfExists(snap.resolve("recovery.signal"));
            Files.deleteIfExists(snap.resolve("postmaster.pid")); // a copy of a killed server's
            Path hba = snap.resolve("chaos-check-hba.conf");
            Files.writeString(hba, "local all all trust\n");
            Cmd.run("chown", owner, hba.toString()).orThrow();
            int port = freePort();
            Cmd.Result start = Cmd.run(List.of("runuser", "-u", owner, "--", PG_BIN + "pg_ctl", "-D", snap.toString(), "-w",
                    "-t", Long.toString(PG_TIMEOUT.toSeconds()), "-l", snap + ".log", "-o", "-p " + port
                            + " -c listen_addresses='' -c unix_socket_directories='" + into + "' -c hba_file='" + hba
                            + "' -c ssl=off -c archive_mode=off -c synchronous_standby_names='' -c hot_standby=on",
                    "start"), PG_TIMEOUT.plusSeconds(10));
            if (!start.ok()) {
                return new Kept(where, Set.of(), "could not start the copy: " + start.output().strip() + " "
                        + tail(Path.of(snap + ".log")));
            }
            try {
                Cmd.Result r = Cmd.run(List.of("runuser", "-u", owner, "--", PG_BIN + "psql", "-h", into.toString(),
                        "-p", Integer.toString(port), "-U", io.vigil.daemon.Databases.ADMIN_USER, "-d",
                        io.vigil.daemon.Databases.APP_DATABASE, "-w", "-At", "-F", " ",
                        "-c", query), PG_TIMEOUT);
                if (!r.ok()) {
                    return new Kept(where, Set.of(), "could not query the copy: " + r.output().strip());
                }
                Set<Long> changes = new HashSet<>();
                for (String line : r.output().split("\n")) {
                    String[] w = line.strip().split(" ");
                    if (!w[0].isEmpty() && Character.isDigit(w[0].charAt(0))) {
                        changes.add(Long.parseLong(w[0]));
                    }
                }
                return new Kept(where, changes, null);
            } finally {
                Cmd.run(List.of("runuser", "-u", owner, "--", PG_BIN + "pg_ctl", "-D", snap.toString(), "-m", "immediate",
                        "-w", "stop"), PG_TIMEOUT);
            }
        } catch (IOException | RuntimeException e) {
            return new Kept(where, Set.of(), e.toString());
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
