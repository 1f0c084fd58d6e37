package io.vigil.bench;

import io.vigil.vms.recording.Camera;
import io.vigil.vms.recording.Frame;
import io.vigil.vms.recording.SegmentStore;
import io.vigil.vms.recording.SimulatedCamera;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/recording-ingest (issue 13): how fast one recording server's segment store takes the frames
 * of N simulated cameras (frames of a B kbit/s, F frames/s stream, the cameras unthrottled so that
 * the store is the limit), against a plain sequential write of the same bytes to the same disk in
 * the same run. Both timings end with everything fsynced, so the page cache flatters neither.
 * {@code ratio} = store MB/s / sequential MB/s; target >= 0.8 at 64 cameras of 4 Mbit/s.
 * Usage: RecordingIngest DIR [CAMERAS] [KBPS] [FPS] [MIB].
 */
public final class RecordingIngest {
    private RecordingIngest() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/var/tmp/vigil-bench-recording");
        int cameras = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int kbps = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        int fps = args.length > 3 ? Integer.parseInt(args[3]) : 25;
        long bytes = (args.length > 4 ? Long.parseLong(args[4]) : 2048) << 20;
        int frameBytes = kbps * 1000 / 8 / fps;
        Files.createDirectories(dir);
        clean(dir);

        // Warm-up, not measured: a recording server runs for months, so what counts is its steady
        // state with the write path compiled (interpreted, the frame CRC alone caps it near 50 MB/s).
        long[] warm = ingest(dir.resolve("warm-up"), cameras, frameBytes, Math.min(bytes, 512L << 20));
        System.err.printf("warm-up: %.1f MB/s (not counted)%n", mbps(warm[1], warm[2]));
        clean(dir);
        long[] store = ingest(dir.resolve("store"), cameras, frameBytes, bytes);
        clean(dir);
        long seqNanos = sequential(dir.resolve("sequential"), store[1]);
        clean(dir);

        double storeMbps = mbps(store[1], store[2]);
        double seqMbps = mbps(store[1], seqNanos);
        double realtimeMbps = cameras * (double) kbps * 1000 / 8 / 1e6;
        System.out.println(String.format(Locale.ROOT, "{\"bench\":\"recording-ingest\",\"cameras\":%d,\"kbps\":%d,"
                        + "\"fps\":%d,\"frame_bytes\":%d,\"frames\":%d,\"bytes\":%d,\"frames_per_s\":%.0f,"
                        + "\"store_mb_s\":%.1f,\"sequential_mb_s\":%.1f,\"ratio\":%.2f,\"realtime_mb_s\":%.1f,"
                        + "\"realtime_headroom\":%.1f,\"target_ratio\":0.8,\"met\":%b}",
                cameras, kbps, fps, frameBytes, store[0], store[1], store[0] / (store[2] / 1e9), storeMbps, seqMbps,
                storeMbps / seqMbps, realtimeMbps, storeMbps / realtimeMbps, storeMbps / seqMbps >= 0.8));
    }

    /** Returns {frames, bytes, nanos}: cameras write until {@code limit} bytes are stored, then all is fsynced. */
    private static long[] ingest(Path dir, int cameras, int frameBytes, long limit) throws Exception {
        AtomicLong frames = new AtomicLong();
        AtomicLong stored = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        List<Camera> running = new ArrayList<>();
        long t0 = System.nanoTime();
        try (SegmentStore store = SegmentStore.open(dir, 60_000, 64L << 20, Clock.systemUTC())) {
            for (int c = 1; c <= cameras; c++) {
                running.add(new SimulatedCamera(c, 0, frameBytes, 0, new Camera.Sink() {
                    @Override
                    public void frame(Frame f) {
                        if (stored.get() < limit && store.append(f)) {
                            frames.incrementAndGet();
                            if (stored.addAndGet(f.payload().length) >= limit) {
                                done.countDown();
                            }
                        }
                    }

                    @Override
                    public void problem(String message) {
                    }
                }));
            }
            done.await();
            running.forEach(Camera::close);
            if (store.alarm() != null) {
                throw new IllegalStateException("the store failed during the run: " + store.alarm());
            }
        } // close(): every open segment fsynced and summarised, inside the timing
        return new long[] {frames.get(), stored.get(), System.nanoTime() - t0};
    }

    /** Nanoseconds to write {@code bytes} to one file in 1 MiB writes, then fsync. */
    private static long sequential(Path file, long bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        new java.util.SplittableRandom(1).ints(buf.capacity() / 4).forEach(buf::putInt);
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < bytes; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), bytes - done));
                done += ch.write(buf);
            }
            ch.force(true);
        }
        return System.nanoTime() - t0;
    }

    private static double mbps(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static void clean(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }
}
