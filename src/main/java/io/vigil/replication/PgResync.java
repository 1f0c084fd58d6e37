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
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

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
        Path tool = PgCommand.tool(cfg, "pg_basebackup");
        long t0 = System.nanoTime();
        instance.stop(PgInstance.StopMode.FAST);
        PgFiles.writePassFile(cfg, primary);
        PgFiles.installTls(cfg); // the client certificate pg_basebackup shows the primary
        Path previous = moveAside();
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

    /** Mutable state of one pg_rewind run, filled from its output. */
    private static final class RewindRun {
        boolean ok;
        final AtomicLong done = new AtomicLong();
        final AtomicLong total = new AtomicLong();
        final AtomicLong planCopy = new AtomicLong();
        final AtomicLong planSource = new AtomicLong();
        final AtomicBoolean noRewind = new AtomicBoolean();
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

    private Path moveAside() {
        Path dir = cfg.dataDir().toAbsolutePath();
        if (!Files.exists(dir)) {
            return null;
        }
        Path aside = dir.resolveSibling(dir.getFileName() + ".before-resync-" + LocalDateTime.now().format(STAMP));
        try {
            Files.move(dir, aside);
        } catch (IOException e) {
            throw PgException.of("could not move the old data directory " + dir + " to " + aside + ": " + e, "",
                    List.of(), "free the directory (is a shell or process using it?) and make its parent writable");
        }
        log.warn("data directory {} moved to {} before it is overwritten by a full resync", dir, aside);
        return aside;
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
