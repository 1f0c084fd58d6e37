package io.vigil.bench;

import io.vigil.replication.BasebackupResult;
import io.vigil.replication.PgAvailability;
import io.vigil.replication.PgConfig;
import io.vigil.replication.PgInstance;
import io.vigil.replication.ProgressListener;
import io.vigil.replication.RewindResult;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * bench/resync-db: Vigil's two database resyncs against rsync between the same two data
 * directories on this machine (A the primary's, B the peer's), same run.
 *
 * <p>Full: {@link PgInstance#basebackupFrom} (pg_basebackup from the running A into an empty B,
 * verified against its manifest and flushed with one syncfs) against {@code rsync -a} of A's data directory into an empty B <em>with A
 * stopped</em> (only a stopped directory gives rsync a consistent copy), followed by a
 * {@code sync} of B's file system, so both are timed until the copy is durable; rsync's time
 * without the sync is reported too. Both read A from the page cache (24 GiB, the data loaded just
 * before); dirty pages are flushed, untimed, before each copy.
 *
 * <p>Incremental: B streams from A, is promoted, then A (the old primary, still running) updates
 * one row in every 100th block of pgbench_accounts and stops: a diverged old primary, as after a
 * failover. {@link PgInstance#rewindFrom} brings A back onto B's timeline; its bytes are
 * compared with {@code rsync -a --no-whole-file --stats} from B (stopped) into a copy of A's
 * diverged directory taken just before the rewind.
 */
public final class ResyncDb {

    private static final int PORT_A = 25452;
    private static final int PORT_B = 25453;

    private final Path dir;
    private final PgInstance a;
    private final PgInstance b;
    private final PgBench onA;
    private final PgBench onB;

    private ResyncDb(Path dir) {
        this.dir = dir;
        byte[] pw = new byte[16];
        new SecureRandom().nextBytes(pw);
        String admin = HexFormat.of().formatHex(pw);
        a = new PgInstance(PgConfig.of(dir.resolve("a").resolve("data"), PORT_A, "resync_a", admin, admin + "r"));
        b = new PgInstance(PgConfig.of(dir.resolve("b").resolve("data"), PORT_B, "resync_b", admin, admin + "r"));
        onA = new PgBench("127.0.0.1", PORT_A, a.config().adminUser(), admin);
        onB = new PgBench("127.0.0.1", PORT_B, b.config().adminUser(), admin);
    }

    public static void main(String[] args) throws Exception {
        // "-" (bench/resync-db): a private directory the postgres user can reach wherever the checkout is.
        Path dir = args.length > 0 && !"-".equals(args[0]) ? Path.of(args[0]).toAbsolutePath()
                : io.vigil.replication.PgScratch.create("resync-db");
        int scale = args.length > 1 ? Integer.parseInt(args[1]) : 70;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        PgAvailability.require();
        Cmd.run(List.of("rsync", "--version"));
        Cmd.removeTree(dir);
        ResyncDb bench = new ResyncDb(dir);
        String json;
        try {
            json = bench.measure(scale, rounds);
        } finally {
            bench.stopAll();
        }
        Cmd.removeTree(dir); // several GB; kept only when the benchmark failed, to look at
        System.out.println(json);
    }

    private String measure(int scale, int rounds) throws InterruptedException {
        a.prepareHome();
        a.initdb();
        a.start();
        onA.init(scale);
        onA.execute("CHECKPOINT");
        long dbBytes = Cmd.bytesUnder(a.config().dataDir());
        long databaseBytes = onA.queryLong("SELECT sum(pg_database_size(oid))::bigint FROM pg_database");
        System.err.printf("pgbench -i -s %d: data directory %d bytes (databases %d bytes)%n", scale, dbBytes, databaseBytes);
        b.prepareHome();
        Full full = full(rounds);
        Incremental incr = incremental(dbBytes);
        return String.format(Locale.ROOT, "{\"bench\":\"resync-db\",\"db_bytes\":%d,\"db_full_ratio\":%.3f,"
                        + "\"db_full_vigil_ms\":%d,\"db_full_rsync_ms\":%d,\"db_incr_pct\":%.2f,\"db_incr_rsync_pct\":%.2f,"
                        + "\"db_full_rsync_nosync_ms\":%d,\"db_full_vigil_bytes\":%d,\"db_incr_bytes\":%d,"
                        + "\"db_incr_wal_bytes\":%d,\"db_incr_rsync_literal_bytes\":%d,\"db_incr_rsync_sent_bytes\":%d,"
                        + "\"db_incr_vigil_ms\":%d,\"db_incr_blocks_changed_pct\":%.2f}",
                dbBytes, (double) full.vigilMs / full.rsyncMs, full.vigilMs, full.rsyncMs,
                100.0 * incr.rewind.bytesCopied() / dbBytes, 100.0 * incr.rsync.literalBytes() / dbBytes,
                full.rsyncNoSyncMs, full.vigilBytes, incr.rewind.bytesCopied(), incr.sourceWalBytes,
                incr.rsync.literalBytes(), incr.rsync.totalSentBytes(), incr.rewind.took().toMillis(), incr.blocksPct);
    }

    record Full(long vigilMs, long rsyncMs, long rsyncNoSyncMs, long vigilBytes) {
    }

    /** Rounds of rsync (A stopped) then pg_basebackup (A running) into an empty B; medians. */
    private Full full(int rounds) {
        List<Long> vigil = new ArrayList<>();
        List<Long> rsync = new ArrayList<>();
        List<Long> rsyncNoSync = new ArrayList<>();
        long bytes = 0;
        for (int round = 1; round <= rounds; round++) {
            emptyB();
            a.stop(PgInstance.StopMode.FAST);
            Cmd.syncDisks();
            long t0 = System.nanoTime();
            Cmd.run(List.of("rsync", "-a", a.config().dataDir() + "/", b.config().dataDir() + "/"));
            long copied = System.nanoTime();
            Cmd.run(List.of("sync", "-f", b.config().dataDir().toString()));
            rsync.add((System.nanoTime() - t0) / 1_000_000);
            rsyncNoSync.add((copied - t0) / 1_000_000);
            a.start();

            emptyB();
            Cmd.syncDisks();
            BasebackupResult r = b.basebackupFrom(a.config(), ProgressListener.NONE);
            vigil.add(r.took().toMillis());
            bytes = r.bytesCopied();
            System.err.printf("full round %d: rsync -a %d ms (%d ms before sync), pg_basebackup %d ms (%d bytes)%n",
                    round, rsync.get(round - 1), rsyncNoSync.get(round - 1), vigil.get(round - 1), bytes);
        }
        return new Full(median(vigil), median(rsync), median(rsyncNoSync), bytes);
    }

    record Incremental(RewindResult rewind, RsyncStats rsync, long sourceWalBytes, double blocksPct) {
    }

    /** B (a fresh basebackup of A) streams, is promoted; A diverges by ~1% of the table's blocks. */
    private Incremental incremental(long dbBytes) throws InterruptedException {
        b.start();
        onA.execute("CHECKPOINT"); // the last common checkpoint: pg_rewind copies what A changed after it
        awaitReplayed();
        b.promote(a.config().applicationName());
        long blocks = onA.queryLong("SELECT pg_relation_size('pgbench_accounts') / 8192");
        long updated = onA.queryLong("WITH u AS (UPDATE pgbench_accounts SET abalance = abalance + 1"
                + " WHERE ctid = ANY (ARRAY(SELECT format('(%s,1)', blk)::tid FROM generate_series(0, "
                + (blocks - 1) + ", 100) blk)) RETURNING 1) SELECT count(*) FROM u");
        double blocksPct = 100.0 * updated / blocks;
        a.stop(PgInstance.StopMode.FAST);
        System.err.printf("A diverged: %d of %d pgbench_accounts blocks updated (%.2f%%)%n", updated, blocks, blocksPct);

        Path rsyncTarget = dir.resolve("a").resolve("data-for-rsync");
        Cmd.run(List.of("cp", "-a", a.config().dataDir().toString(), rsyncTarget.toString()));
        long sourceWal = onB.queryLong("SELECT sum(size)::bigint FROM pg_ls_waldir()");
        RewindResult rewind = a.rewindFrom(b.config(), ProgressListener.NONE);
        if (!rewind.ok()) {
            throw new IllegalStateException("pg_rewind could not resync A: " + rewind.reason());
        }
        b.stop(PgInstance.StopMode.FAST);
        String stats = Cmd.run(List.of("rsync", "-a", "--no-whole-file", "--stats",
                b.config().dataDir() + "/", rsyncTarget + "/")).output();
        RsyncStats rsync = RsyncStats.parse(stats);
        System.err.printf("pg_rewind: %d bytes copied (source pg_wal %d bytes, source size %d) in %d ms; rsync: literal"
                        + " %d, matched %d, sent %d bytes; data size %d%n", rewind.bytesCopied(), sourceWal,
                rewind.sourceBytes(), rewind.took().toMillis(), rsync.literalBytes(), rsync.matchedBytes(),
                rsync.totalSentBytes(), dbBytes);
        return new Incremental(rewind, rsync, sourceWal, blocksPct);
    }

    private void awaitReplayed() throws InterruptedException {
        String target = onA.queryText("SELECT pg_current_wal_lsn()::text");
        long deadline = System.currentTimeMillis() + 120_000;
        while (onB.queryLong("SELECT CASE WHEN pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn THEN 1 ELSE 0 END")
                != 1) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("B did not replay A's WAL up to " + target + " within 120 s");
            }
            Thread.sleep(100);
        }
    }

    /** B's data directory (and any copy a basebackup kept aside) removed: each copy starts from nothing. */
    private void emptyB() {
        b.stop(PgInstance.StopMode.IMMEDIATE);
        Cmd.run(List.of("bash", "-c", "rm -rf --one-file-system -- \"$0\" \"$0\".before-resync-*",
                b.config().dataDir().toString()));
    }

    private void stopAll() {
        for (PgInstance pg : List.of(b, a)) {
            try {
                pg.stop(PgInstance.StopMode.IMMEDIATE);
            } catch (RuntimeException e) {
                System.err.println("could not stop " + pg.config().dataDir() + ": " + e.getMessage());
            }
        }
    }

    private static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
