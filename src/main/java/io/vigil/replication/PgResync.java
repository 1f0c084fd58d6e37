package io.vigil.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bringing an instance back in line with a primary: pg_rewind (only what differs) for a
 * failback after divergence, pg_basebackup (everything) for the first copy or when a rewind is
 * impossible (issue 3). Both leave the instance stopped and configured as the primary's standby.
 */
final class PgResync {

    private static final Logger log = LoggerFactory.getLogger(PgResync.class);
    /** A full copy of a large database over a slow link takes hours; a hang is still caught. */
    private static final Duration COPY_TIMEOUT = Duration.ofHours(12);
    /** Milliseconds too: two resyncs in one second must not collide (the name orders the copies). */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    /** The suffix of a data directory moved aside before a full copy replaced it. */
    static final String BEFORE_RESYNC = "before-resync";
    /** The suffix of a data directory kept because it held transactions the primary lacks (SPEC §4). */
    static final String DIVERGED = "diverged";
    /** The suffix of a copy of pg_wal holding commits a dead synchronous primary never had acknowledged. */
    static final String UNACKNOWLEDGED = "unacknowledged-wal";
    /**
     * Copies kept aside per data directory, newest first; older ones are removed after the next
     * successful resync. Each is as large as the database, so the disk holds at most this many more.
     */
    static final int KEEP_ASIDE = 3;

    private final PgInstance instance;
    private final PgConfig cfg;

    PgResync(PgInstance instance) {
        this.instance = instance;
        this.cfg = instance.config();
    }

    /**
     * Stops the instance, moves its data directory aside (kept: SPEC §3 backs node 2's data up
     * before overwriting it) and copies the primary's with pg_basebackup into a fresh one, then
     * checks the copy against the backup manifest's per-file checksums (pg_verifybackup): a
     * transfer that was corrupted or cut short is never started. On any failure the partial copy
     * is removed and the old directory put back; the caller retries.
     */
    BasebackupResult basebackup(PgConfig primary, ProgressListener progress) {
        return basebackup(primary, progress, BEFORE_RESYNC);
    }

    /** As {@link #basebackup(PgConfig, ProgressListener)}, naming the kept directory {@code <dataDir>.<label>-<time>}. */
    BasebackupResult basebackup(PgConfig primary, ProgressListener progress, String label) {
        Path tool = PgCommand.tool(cfg, "pg_basebackup");
        long t0 = System.nanoTime();
        instance.stop(PgInstance.StopMode.FAST);
        PgFiles.writePassFile(cfg, primary);
        PgFiles.installTls(cfg); // the client certificate pg_basebackup shows the primary
        Path previous = moveAside(label);
        AtomicLong done = new AtomicLong();
        try {
            // --no-sync: one syncfs, alongside the verification (below), makes the copy durable
            // instead of a fsync per file before it.
            List<String> args = List.of(tool.toString(), "-D", cfg.dataDir().toString(), "-X", "stream", "-R",
                    "--progress", "--checkpoint=fast", "--no-sync", "--no-password",
                    "-d", PgFiles.conninfo(cfg, primary, "replication"));
            PgCommand.Result r = PgCommand.run(cfg, args, COPY_TIMEOUT, Map.of(), line -> {
                ToolOutput.progress(line).ifPresent(p -> {
                    done.set(p.doneBytes());
                    progress.progress("basebackup", p.doneBytes(), p.totalBytes());
                });
            });
            if (!r.ok()) {
                throw PgException.of("copying the database from " + primary.connectHost() + ":" + primary.port()
                                + " with pg_basebackup failed (exit " + r.exitCode() + "); the old data directory was put back",
                        r.commandLine(), r.tail(), "check that the primary runs and accepts replication connections from this"
                                + " node (pg_hba.conf, replication password)");
            }
            // The disk writes the copy back while pg_verifybackup reads it from the page cache.
            CompletableFuture<PgCommand.Result> flushed = CompletableFuture.supplyAsync(this::syncToDisk);
            verify(primary);
            requireFlushed(flushed.join());
        } catch (RuntimeException e) {
            restore(previous);
            throw e;
        }
        PgFiles.writeLocalSettings(cfg);
        PgFiles.writeStandbySettings(cfg, primary);
        pruneKeptCopies(cfg);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        log.info("full resync from {}:{} copied {} bytes in {} s; previous data kept in {}", primary.connectHost(),
                primary.port(), done.get(), took.toSeconds(), previous);
        return new BasebackupResult(done.get(), previous, took);
    }

    /** Flushes the file system holding the copy (syncfs): the copy survives a power cut from then on. */
    private PgCommand.Result syncToDisk() {
        return PgCommand.run(cfg, List.of("sync", "-f", cfg.dataDir().toString()), COPY_TIMEOUT, Map.of(), line -> { });
    }

    private void requireFlushed(PgCommand.Result r) {
        if (!r.ok()) {
            throw PgException.of("flushing the copied database in " + cfg.dataDir() + " to disk failed (exit "
                    + r.exitCode() + "); it was discarded and the old data directory was put back", r.commandLine(),
                    r.tail(), "check the disk holding " + cfg.dataDir() + " (dmesg shows write errors)");
        }
    }

    /** Checks a fresh copy against its manifest (file sizes and checksums, and the WAL's CRCs). */
    private void verify(PgConfig primary) {
        Path verify = PgCommand.tool(cfg, "pg_verifybackup");
        PgCommand.Result v = PgCommand.run(cfg, List.of(verify.toString(), "--quiet", cfg.dataDir().toString()),
                COPY_TIMEOUT, Map.of(), line -> log.debug("pg_verifybackup: {}", line));
        if (!v.ok()) {
            throw PgException.of("the copy of the database from " + primary.connectHost() + ":" + primary.port()
                            + " does not match its manifest (corrupted or incomplete transfer); it was discarded and the old data directory"
                            + " was put back", v.commandLine(), v.tail(),
                    "nothing to do if it happens once (the copy is retried); if it repeats, check the network and disks");
        }
    }

    /**
     * Rewinds this (stopped, diverged) instance onto the primary's timeline, copying only the
     * blocks changed since the divergence. A refusal (no checksums, WAL already recycled,
     * different system...) is returned, not thrown: the caller logs the reason and falls back
     * to a basebackup. pg_rewind completes crash recovery itself when the target was killed.
     */
    RewindResult rewind(PgConfig primary, ProgressListener progress) {
        long t0 = System.nanoTime();
        instance.stop(PgInstance.StopMode.FAST);
        RewindRun run = runRewind(primary, false, progress);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (!run.ok) {
            log.warn("incremental resync from {}:{} impossible: {}", primary.connectHost(), primary.port(), run.reason());
            return RewindResult.failed(run.reason(), took);
        }
        PgFiles.writeLocalSettings(cfg);
        PgFiles.writeStandbySettings(cfg, primary);
        long bytes = Math.max(run.done.get(), run.planCopy.get());
        log.info("incremental resync from {}:{} copied {} bytes of {} in {} s", primary.connectHost(), primary.port(),
                bytes, run.planSource.get(), took.toSeconds());
        return new RewindResult(true, bytes, run.planSource.get(), took, "");
    }

    /**
     * Measures, without moving data: a running standby of {@code primary} by its WAL lag; a
     * stopped instance with pg_rewind --dry-run; when that is impossible, the primary's size.
     */
    ResyncEstimate estimate(PgConfig primary) {
        if (instance.isRunning()) {
            ReplicationStatus status = instance.replicationStatus();
            if (status.receiver().isPresent() && status.receiver().get().flushedLsn() != null) {
                long lag = primaryLsn(primary).bytesAfter(status.receiver().get().flushedLsn());
                return new ResyncEstimate(ResyncEstimate.Method.STREAMING, lag,
                        "WAL the standby has not received yet (primary position minus its flushed position)");
            }
            throw PgException.of("cannot estimate a resync while PostgreSQL runs and does not stream from "
                    + primary.connectHost() + ":" + primary.port(), "", List.of(),
                    "stop this node first (pg_rewind measures a stopped data directory)");
        }
        completeCrashRecovery();
        RewindRun run = runRewind(primary, true, ProgressListener.NONE);
        if (run.ok && run.noRewind.get()) {
            return new ResyncEstimate(ResyncEstimate.Method.STREAMING, 0,
                    "no divergence: the node only has to stream the WAL written since it stopped");
        }
        if (run.ok) {
            long bytes = Math.max(run.planCopy.get(), run.total.get());
            return new ResyncEstimate(ResyncEstimate.Method.REWIND, bytes,
                    "pg_rewind --dry-run: changed blocks since the divergence plus WAL and other non-relation files");
        }
        return new ResyncEstimate(ResyncEstimate.Method.BASEBACKUP, primarySize(primary),
                "incremental resync impossible (" + run.reason() + "): the whole database would be copied");
    }

    /**
     * pg_rewind --dry-run refuses a target that was not shut down cleanly (a killed primary),
     * although a real rewind recovers it first. Do the same recovery it would do: the
     * single-user server replays the node's own WAL and stops, as the next start would.
     */
    private void completeCrashRecovery() {
        Path controldata = PgCommand.tool(cfg, "pg_controldata");
        AtomicBoolean clean = new AtomicBoolean();
        PgCommand.run(cfg, List.of(controldata.toString(), "-D", cfg.dataDir().toString()), Duration.ofSeconds(30),
                Map.of(), l -> {
                    if (l.startsWith("Database cluster state:")
                            && (l.endsWith("shut down") || l.endsWith("shut down in recovery"))) {
                        clean.set(true);
                    }
                });
        if (!clean.get()) {
            Path postgres = PgCommand.tool(cfg, "postgres");
            instance.run("crash recovery of " + cfg.dataDir() + " before measuring it", List.of(postgres.toString(),
                    "--single", "-F", "-D", cfg.dataDir().toString(), "template1"), PgInstance.CTL_TIMEOUT,
                    "start and stop the instance once, then retry");
        }
    }

    /**
     * What this stopped instance holds that {@code primary} lacks: pg_rewind --dry-run finds where
     * the histories part, pg_waldump counts the commits this node wrote after that point. Moves
     * no data. A standby never holds any (all its WAL came from a primary), so it is not read.
     * When the dry run fails the divergence is not known here: the rewind that follows fails the
     * same way and falls back to a full copy, which keeps the old directory aside too.
     */
    Divergence divergence(PgConfig primary) {
        instance.stop(PgInstance.StopMode.FAST);
        if (Files.exists(cfg.dataDir().resolve("standby.signal"))) {
            return Divergence.none("a standby: every commit it holds came from a primary");
        }
        completeCrashRecovery();
        RewindRun run = runRewind(primary, true, ProgressListener.NONE);
        if (!run.ok) {
            return Divergence.none("pg_rewind --dry-run failed: " + run.reason());
        }
        if (run.noRewind.get() || run.divergedAt.get() == null) {
            return Divergence.none("no divergence: this node's history is a prefix of the primary's");
        }
        Lsn at = run.divergedAt.get();
        long commits = countCommitsAfter(at);
        return new Divergence(true, at, commits, wasSynchronous(),
                "diverged at " + at + "; commits after it counted with pg_waldump");
    }

    /**
     * The instance's last synchronous_standby_names (ALTER SYSTEM writes postgresql.auto.conf) names
     * a standby: it was a primary whose commits waited for the peer. Unreadable: false, the safe side.
     */
    private boolean wasSynchronous() {
        try {
            String names = "";
            for (String line : Files.readAllLines(cfg.dataDir().resolve("postgresql.auto.conf"))) {
                String l = line.strip();
                if (l.startsWith("synchronous_standby_names")) {
                    names = l.substring(l.indexOf('=') + 1).strip().replace("'", "").replace("\"", "");
                }
            }
            return !names.isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Copies pg_wal (as the database user) to {@code <dataDir>.unacknowledged-wal-<time>} before a
     * rewind overwrites it: it holds the commits a dead synchronous primary wrote but never had
     * acknowledged. A few segments; pg_waldump reads them. Returns the copy.
     */
    Path keepWal() {
        Path dir = cfg.dataDir().toAbsolutePath();
        Path copy = dir.resolveSibling(dir.getFileName() + "." + UNACKNOWLEDGED + "-" + LocalDateTime.now().format(STAMP));
        PgCommand.Result r = PgCommand.run(cfg, List.of("cp", "-a", "--", dir.resolve("pg_wal").toString(), copy.toString()),
                COPY_TIMEOUT, Map.of(), line -> { });
        if (!r.ok()) {
            throw PgException.of("could not copy " + dir.resolve("pg_wal") + " to " + copy + " before the rewind (exit "
                    + r.exitCode() + ")", r.commandLine(), r.tail(), "free disk space beside " + dir + ", then the resync is retried");
        }
        pruneKeptCopies(cfg);
        return copy;
    }

    /**
     * Commits in this node's own WAL after {@code at}, on its current timeline (a promotion copies
     * the segment holding the switch point onto the new timeline). UNKNOWN when the WAL cannot be
     * read (a segment already recycled, several timelines since): the caller then keeps the data.
     */
    private long countCommitsAfter(Lsn at) {
        Integer timeline = controlData().entrySet().stream()
                .filter(e -> e.getKey().equals("Latest checkpoint's TimeLineID"))
                .map(e -> Integer.valueOf(e.getValue())).findFirst().orElse(null);
        if (timeline == null) {
            return Divergence.UNKNOWN;
        }
        Path waldump = PgCommand.tool(cfg, "pg_waldump");
        AtomicLong commits = new AtomicLong();
        AtomicBoolean reachedEnd = new AtomicBoolean();
        PgCommand.Result r = PgCommand.run(cfg, List.of(waldump.toString(), "-p", cfg.dataDir().resolve("pg_wal").toString(),
                "-t", timeline.toString(), "-s", at.toString(), "-r", "Transaction"), COPY_TIMEOUT, Map.of(), line -> {
                    if (ToolOutput.isCommit(line)) {
                        commits.incrementAndGet();
                    } else if (ToolOutput.isEndOfWal(line)) {
                        reachedEnd.set(true);
                    }
                });
        if (!r.ok() && !reachedEnd.get()) {
            log.warn("could not count the commits after {} in {} (pg_waldump exit {}): {}", at, cfg.dataDir(),
                    r.exitCode(), String.join(" / ", r.tail()));
            return Divergence.UNKNOWN;
        }
        return commits.get();
    }

    /** pg_controldata's "name: value" lines. */
    private Map<String, String> controlData() {
        Path controldata = PgCommand.tool(cfg, "pg_controldata");
        Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();
        PgCommand.run(cfg, List.of(controldata.toString(), "-D", cfg.dataDir().toString()), Duration.ofSeconds(30),
                Map.of(), l -> {
                    int colon = l.indexOf(':');
                    if (colon > 0) {
                        values.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
                    }
                });
        return values;
    }

    /** Mutable state of one pg_rewind run, filled from its output. */
    private static final class RewindRun {
        boolean ok;
        final AtomicLong done = new AtomicLong();
        final AtomicLong total = new AtomicLong();
        final AtomicLong planCopy = new AtomicLong();
        final AtomicLong planSource = new AtomicLong();
        final AtomicBoolean noRewind = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicReference<Lsn> divergedAt = new java.util.concurrent.atomic.AtomicReference<>();
        final List<String> errors = new ArrayList<>();
        List<String> tail = List.of();

        String reason() {
            List<String> lines = errors.isEmpty() ? tail : errors;
            return String.join(" / ", lines);
        }
    }

    private RewindRun runRewind(PgConfig primary, boolean dryRun, ProgressListener progress) {
        Path tool = PgCommand.tool(cfg, "pg_rewind");
        PgFiles.writePassFile(cfg, primary);
        PgFiles.installTls(cfg);
        checkpoint(primary);
        RewindRun run = new RewindRun();
        List<String> args = new ArrayList<>(List.of(tool.toString(), "-D", cfg.dataDir().toString(),
                "--source-server=" + PgFiles.conninfo(cfg, primary, "postgres"), "--progress"));
        if (dryRun) {
            args.add("--dry-run");
        }
        PgCommand.Result r = PgCommand.run(cfg, args, COPY_TIMEOUT, Map.of(), line -> {
            log.debug("pg_rewind: {}", line);
            ToolOutput.progress(line).ifPresent(p -> {
                run.done.set(p.doneBytes());
                run.total.set(p.totalBytes());
                progress.progress("rewind", p.doneBytes(), p.totalBytes());
            });
            ToolOutput.rewindPlan(line).ifPresent(p -> {
                run.planCopy.set(p.copyBytes());
                run.planSource.set(p.sourceBytes());
            });
            ToolOutput.divergedAt(line).ifPresent(run.divergedAt::set);
            if (ToolOutput.noRewindRequired(line)) {
                run.noRewind.set(true);
            }
            if (ToolOutput.isError(line)) {
                synchronized (run.errors) {
                    run.errors.add(line);
                }
            }
        });
        run.ok = r.ok();
        run.tail = r.tail();
        return run;
    }

    /**
     * pg_rewind reads the source's timeline from its control file, which only a checkpoint
     * updates after a promotion; without one it would see no divergence and leave the target
     * on its own, diverged history.
     */
    private void checkpoint(PgConfig primary) {
        try (Connection c = PgSql.replication(cfg, primary); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            throw PgSql.failure("CHECKPOINT on the primary " + primary.connectHost() + ":" + primary.port(), e,
                    "check that the replication role may run CHECKPOINT (GRANT pg_checkpoint)");
        }
    }

    private Lsn primaryLsn(PgConfig primary) {
        return Lsn.parse(queryText(primary, "SELECT pg_current_wal_lsn()::text"));
    }

    private long primarySize(PgConfig primary) {
        return Long.parseLong(queryText(primary, "SELECT sum(pg_database_size(oid))::bigint::text FROM pg_database"));
    }

    private String queryText(PgConfig primary, String sql) {
        try (Connection c = PgSql.replication(cfg, primary); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw PgSql.failure("querying the primary " + primary.connectHost() + ":" + primary.port(), e,
                    "check that the primary runs");
        }
    }

    private Path moveAside(String label) {
        Path dir = cfg.dataDir().toAbsolutePath();
        if (!Files.exists(dir)) {
            return null;
        }
        // A rename on the same file system: instant, and the copy is the node's data exactly as it stopped.
        Path aside = dir.resolveSibling(dir.getFileName() + "." + label + "-" + LocalDateTime.now().format(STAMP));
        try {
            Files.move(dir, aside);
        } catch (IOException e) {
            throw PgException.of("could not move the old data directory " + dir + " to " + aside + ": " + e, "",
                    List.of(), "free the directory (is a shell or process using it?) and make its parent writable");
        }
        log.warn("data directory {} moved to {} before it is overwritten by a full resync", dir, aside);
        return aside;
    }

    /**
     * Keeps the {@link #KEEP_ASIDE} newest copies moved aside from this data directory (both
     * kinds: the name's time stamp orders them) and removes the older ones, saying which.
     */
    static void pruneKeptCopies(PgConfig cfg) {
        Path dir = cfg.dataDir().toAbsolutePath();
        List<Path> kept;
        try (var siblings = Files.list(dir.getParent())) {
            kept = siblings.filter(p -> keptCopyStamp(dir, p) != null)
                    .sorted(java.util.Comparator.comparing((Path p) -> keptCopyStamp(dir, p)).reversed()).toList();
        } catch (IOException e) {
            log.warn("could not list the copies kept aside next to {}: {}", dir, e.toString());
            return;
        }
        for (Path old : kept.subList(Math.min(KEEP_ASIDE, kept.size()), kept.size())) {
            try {
                PgCommand.removeOwned(cfg, old);
                log.warn("removed {}: only the {} newest copies kept aside from {} stay on disk", old, KEEP_ASIDE, dir);
            } catch (PgException e) {
                log.error("could not remove the old copy {}: {}", old, e.getMessage());
            }
        }
    }

    /** The time stamp of a copy kept aside from {@code dir} ("20261207-172500-123"), or null for any other file. */
    static String keptCopyStamp(Path dir, Path candidate) {
        String name = candidate.getFileName().toString();
        for (String label : List.of(BEFORE_RESYNC, DIVERGED, UNACKNOWLEDGED)) {
            String prefix = dir.getFileName() + "." + label + "-";
            if (name.startsWith(prefix) && Files.isDirectory(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return name.substring(prefix.length());
            }
        }
        return null;
    }

    private void restore(Path previous) {
        try {
            PgCommand.removeOwned(cfg, cfg.dataDir()); // as the database user: its tree (issue 10 item 6)
            if (previous != null) {
                Files.move(previous, cfg.dataDir());
            }
        } catch (IOException | PgException e) {
            log.error("could not put the old data directory {} back to {}: {}", previous, cfg.dataDir(), e.toString());
        }
    }
}
