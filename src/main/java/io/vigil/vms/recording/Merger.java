package io.vigil.vms.recording;

import io.vigil.vms.recording.MergeJournal.Device;
import io.vigil.vms.recording.MergeJournal.Job;
import io.vigil.vms.recording.MergeJournal.Seg;
import io.vigil.vms.management.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Merges back what a failover server recorded for this recording server's devices while it
 * covered (issue 14, SPEC §9): one job at a time, on one thread, journaled in
 * {@code <storage>/merge/} so that a restart (or a new identical request) continues where it
 * stopped. A source that cannot be reached is waited for, retried with back-off, and shown in the
 * progress; a source that lies, or frames that conflict with this store's, end the job as
 * {@code failed} with the reason. While a job is not done, playback of its devices and range is
 * stitched from the source ({@link StitchedPlayback}).
 */
final class Merger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Merger.class);
    static final long MAX_BACKOFF_MILLIS = 10_000;

    private final SegmentStore store;
    private final Path dir;
    private final long segmentBytes;
    private final Function<URI, MergeSource> sources;
    private final Clock clock;
    private MergeJournal journal;
    private Thread worker;
    /** Set by {@link #close}: a network read cannot be interrupted, so the worker also looks here. */
    private volatile boolean stopping;

    Merger(SegmentStore store, Path storage, long segmentBytes, Function<URI, MergeSource> sources, Clock clock) {
        this.store = store;
        this.dir = storage.resolve("merge");
        this.segmentBytes = segmentBytes;
        this.sources = sources;
        this.clock = clock;
    }

    /** At start: continues a job the journal says was running when the server stopped. */
    synchronized void resume() throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        try (Stream<Path> left = Files.list(dir.resolve("tmp"))) {
            for (Path p : left.toList()) {
                Files.delete(p); // a segment being written at a crash: its frames are read again
            }
        }
        journal = MergeJournal.load(dir);
        if (journal != null && "running".equals(journal.state)) {
            LOG.info("merge from {} was interrupted; continuing it", journal.job.source());
            startWorker();
        }
    }

    /**
     * Starts {@code job}, or continues it when it is the job already journaled and not done; refuses
     * another job while one runs.
     */
    synchronized Map<String, Object> start(Job job) throws IOException {
        boolean same = journal != null && journal.job.equals(job);
        if (journal != null && "running".equals(journal.state) && !same) {
            throw ApiError.conflict(null, "a merge from " + journal.job.source() + " is running; wait until"
                    + " GET /api/merge says done or failed, then ask again");
        }
        if (same && !"failed".equals(journal.state)) {
            if (worker == null || !worker.isAlive()) {
                if ("running".equals(journal.state)) {
                    startWorker();
                }
            }
            return journal.progress(clock.millis());
        }
        Files.createDirectories(dir.resolve("tmp"));
        journal = MergeJournal.start(job, clock.millis());
        journal.save(dir);
        LOG.info("merge from {} of devices {} between {} and {} started", job.source(), job.devices(), job.from(),
                job.to());
        startWorker();
        return journal.progress(clock.millis());
    }

    /** The last job's progress, or null when there never was one. */
    synchronized Map<String, Object> progress() {
        return journal == null ? null : journal.progress(clock.millis());
    }

    /** Where playback of the device over [from, to] must also look while a merge is not done; null if nowhere. */
    synchronized StitchedPlayback.Stitch stitch(long deviceId, long fromMillis, long toMillis) {
        MergeJournal j = journal;
        if (j == null || !"running".equals(j.state) || !j.job.devices().contains(deviceId)
                || fromMillis > j.job.to() || toMillis < j.job.from()) {
            return null;
        }
        Device d = j.devices.get(deviceId);
        if ("verified".equals(d.state)) {
            return null;
        }
        return new StitchedPlayback.Stitch(sources.apply(URI.create(j.job.source())),
                Math.max(fromMillis, j.job.from()), Math.min(toMillis, j.job.to()));
    }

    private void startWorker() {
        MergeJournal j = journal;
        worker = new Thread(() -> run(j), "merge");
        worker.setDaemon(true);
        worker.start();
    }

    private void run(MergeJournal j) {
        MergeSource source = sources.apply(URI.create(j.job.source()));
        MergeCopier copier = new MergeCopier(store, dir.resolve("tmp"), segmentBytes, j.job.from(), j.job.to());
        try {
            for (Map.Entry<Long, Device> e : j.devices.entrySet()) {
                mergeDevice(j, e.getKey(), e.getValue(), source, copier);
            }
            finish(j, "done", null);
        } catch (MergeCopier.Refused e) {
            finish(j, "failed", e.getMessage());
        } catch (InterruptedException e) {
            LOG.info("merge from {} stopped with the server; it continues at the next start", j.job.source());
        } catch (IOException | RuntimeException e) {
            LOG.error("merge from {} failed", j.job.source(), e);
            finish(j, "failed", "unexpected: " + e + "; the recording server's log has the details");
        }
    }

    private void mergeDevice(MergeJournal j, long id, Device d, MergeSource source, MergeCopier copier)
            throws IOException, InterruptedException {
        if ("verified".equals(d.state)) {
            return;
        }
        if (d.segments == null) {
            List<SegmentInfo> listed = retrying(j, () -> source.segments(id, j.job.from(), j.job.to()));
            List<Seg> plan = new ArrayList<>();
            listed.forEach(s -> plan.add(new Seg(s)));
            save(j, () -> {
                d.segments = plan;
                d.state = "copying";
            });
        }
        for (Seg s : d.segments) {
            while (s.done.bytes() < s.bytes) {
                retrying(j, () -> {
                    copier.copy(id, s, source, seg -> save(j, () -> { }));
                    return null;
                });
            }
        }
        copier.verify(id, d.segments);
        save(j, () -> d.state = "verified");
        LOG.info("merge: device {} verified ({} segments from {})", id, d.segments.size(), j.job.source());
    }

    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code call} until it succeeds; a failure is shown in the progress and retried with back-off. */
    private <T> T retrying(MergeJournal j, IoCall<T> call) throws InterruptedException, IOException {
        long backoff = 500;
        for (int attempt = 1; ; attempt++) {
            if (stopping || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            try {
                T t = call.call();
                if (j.error != null) {
                    LOG.info("merge: {} answers again", j.job.source());
                    j.error = null;
                }
                return t;
            } catch (IOException e) {
                String why = "waiting for the source " + j.job.source() + ": " + e.getMessage() + " (attempt "
                        + attempt + ", next in " + backoff + " ms)";
                if (j.error == null) {
                    LOG.warn("merge: {}", why);
                }
                j.error = why;
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void save(MergeJournal j, Runnable change) throws IOException {
        synchronized (this) {
            change.run();
            j.save(dir);
        }
    }

    private void finish(MergeJournal j, String state, String error) {
        synchronized (this) {
            j.state = state;
            j.error = error;
            j.finishedMillis = clock.millis();
            try {
                j.save(dir);
            } catch (IOException e) {
                LOG.error("merge: cannot save its journal: {}", e.getMessage());
            }
        }
        if (error == null) {
            LOG.info("merge from {} done and verified", j.job.source());
        } else {
            LOG.error("merge from {} failed: {}", j.job.source(), error);
        }
    }

    /** Waits until the job ends (tests and the benchmark), at most {@code millis}; true if it did. */
    boolean await(long millis) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = worker;
        }
        if (t != null) {
            t.join(millis);
        }
        return t == null || !t.isAlive();
    }

    @Override
    public void close() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = worker;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
