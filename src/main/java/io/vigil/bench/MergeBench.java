package io.vigil.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.vms.recording.Frame;
import io.vigil.vms.recording.RecordingServer;
import io.vigil.vms.recording.SegmentStore;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * bench/merge (issue 14): how fast a recording server merges back what a failover server recorded
 * (over HTTP on loopback: listing, streaming, checking every frame's CRC, writing and fsyncing the
 * hole-filling segments, verifying) against a plain copy of the same segment files with
 * {@link Files#copy} and an fsync per file, in the same run on the same disk. {@code ratio} = merge
 * MB/s / copy MB/s; target >= 0.8. The merge's time is the server's own (from its journal), so the
 * polling of the progress does not count. Usage: MergeBench DIR [DEVICES] [MIB] [FRAME_BYTES].
 */
public final class MergeBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "bench-merge-token";
    private static final long T0 = 1_796_000_000_000L;

    private MergeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/var/tmp/vigil-bench-merge");
        int devices = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        long bytes = (args.length > 2 ? Long.parseLong(args[2]) : 1024) << 20;
        int frameBytes = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
        Files.createDirectories(dir);
        clean(dir);

        // Warm-up, not measured: compiles the merge's read, check and write paths.
        double[] warm = round(dir.resolve("warm-up"), devices, Math.min(bytes, 256L << 20), frameBytes);
        System.err.printf(Locale.ROOT, "warm-up: merge %.1f MB/s, copy %.1f MB/s (not counted)%n", warm[2], warm[3]);
        clean(dir);
        double[] r = round(dir.resolve("run"), devices, bytes, frameBytes);
        clean(dir);
        System.out.println(String.format(Locale.ROOT, "{\"bench\":\"merge\",\"devices\":%d,\"frame_bytes\":%d,"
                        + "\"frames\":%.0f,\"bytes\":%.0f,\"merge_mb_s\":%.1f,\"copy_mb_s\":%.1f,\"ratio\":%.2f,"
                        + "\"target_ratio\":0.8,\"met\":%b}", devices, frameBytes, r[0], r[1], r[2], r[3],
                r[2] / r[3], r[2] / r[3] >= 0.8));
    }

    /** Returns {frames, bytes, merge MB/s, copy MB/s}. */
    private static double[] round(Path dir, int devices, long bytes, int frameBytes) throws Exception {
        long frames = fill(dir.resolve("failover"), devices, bytes, frameBytes);
        long copyNanos = copy(dir.resolve("failover/devices"), dir.resolve("copy"));
        long fileBytes = 0;
        try (var walk = Files.walk(dir.resolve("copy"))) {
            for (Path p : walk.filter(p -> p.toString().endsWith(".seg")).toList()) {
                fileBytes += Files.size(p);
            }
        }
        long mergeMillis;
        try (RecordingServer source = server("failover", dir); RecordingServer target = server("rec", dir)) {
            StringBuilder ids = new StringBuilder();
            for (int d = 1; d <= devices; d++) {
                ids.append(d == 1 ? "" : ",").append(d);
            }
            String body = "{\"source\":\"http://127.0.0.1:" + source.port() + "/\",\"devices\":[" + ids + "],\"from\":"
                    + T0 + ",\"to\":" + (T0 + 86_400_000L) + "}";
            HttpResponse<String> started = call(target, "POST", body);
            if (started.statusCode() != 202) {
                throw new IllegalStateException("POST /api/merge: " + started.statusCode() + " " + started.body());
            }
            JsonNode p;
            do {
                Thread.sleep(50);
                p = JSON.readTree(call(target, "GET", null).body());
            } while ("running".equals(p.path("state").asText()));
            if (!"done".equals(p.path("state").asText())) {
                throw new IllegalStateException("the merge ended " + p);
            }
            mergeMillis = p.path("elapsedMs").asLong();
        }
        return new double[] {frames, fileBytes, fileBytes / 1e6 / (mergeMillis / 1e3), fileBytes / 1e6 / (copyNanos / 1e9)};
    }

    /** Writes {@code bytes} of frames spread over the devices, one frame every 40 ms a device, as a failover server would. */
    private static long fill(Path storage, int devices, long bytes, int frameBytes) throws IOException {
        byte[] noise = new byte[frameBytes];
        new SplittableRandom(7).nextBytes(noise);
        long frames = 0;
        try (SegmentStore s = SegmentStore.open(storage, 60_000, 64L << 20, Clock.systemUTC())) {
            for (long seq = 0, stored = 0; stored < bytes; seq++) {
                for (int d = 1; d <= devices; d++) {
                    s.append(new Frame(d, seq, T0 + seq * 40, noise));
                    stored += frameBytes;
                    frames++;
                }
            }
        }
        return frames;
    }

    /** Nanoseconds to copy every segment file under {@code from} with Files.copy, each then fsynced. */
    private static long copy(Path from, Path to) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(from)) {
            files = walk.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
        long t0 = System.nanoTime();
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f));
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        return System.nanoTime() - t0;
    }

    private static RecordingServer server(String name, Path dir) throws IOException {
        return RecordingServer.start(new RecordingServer.Options(name, "127.0.0.1", 0, dir.resolve(name),
                URI.create("http://127.0.0.1:9"), "rec", "pw", 3_600_000, 60_000, 64L << 20, TOKEN));
    }

    private static HttpResponse<String> call(RecordingServer s, String method, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/merge"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
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
