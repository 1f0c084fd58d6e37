package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two recording servers in this JVM over real HTTP (issue 14): R recorded frames 0-199 and 350-399
 * of a simulated camera, the failover server S 150-349 (both recorded 150-199, as when R's link
 * went down but not its camera). R is asked to merge while S is down (it waits and says so), then
 * while the merge is held, playback from R is stitched from S; R is stopped mid-merge and started
 * again, continues, and ends with 0-399 once each, served by R alone.
 */
class MergeHttpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "merge-test-token-5f3a";
    private static final long DEV = 7;

    @TempDir
    Path tmp;
    private final List<RecordingServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(RecordingServer::close);
    }

    private RecordingServer server(String name, int port, java.util.function.Function<URI, MergeSource> sources)
            throws IOException {
        RecordingServer s = RecordingServer.start(new RecordingServer.Options(name, "127.0.0.1", port,
                tmp.resolve(name), URI.create("http://127.0.0.1:9"), "rec", "pw", 60_000, 60_000, 64 * 1024, TOKEN),
                RecordingServer.Role.PLAIN, sources);
        servers.add(s);
        return s;
    }

    /** A simulated camera recording frames first..last of the device into {@code s}'s store. */
    private static void record(RecordingServer s, long first, long last) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        SimulatedCamera cam = new SimulatedCamera(DEV, 0, 2000, first, new Camera.Sink() {
            @Override
            public void frame(Frame f) {
                if (f.sequence() <= last) {
                    assertThat(s.store().append(f)).isTrue();
                }
                if (f.sequence() == last) {
                    done.countDown();
                }
            }

            @Override
            public void problem(String message) {
            }
        });
        done.await();
        cam.close();
    }

    private static HttpResponse<byte[]> call(RecordingServer s, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return ManagementClient.MAPPER.readTree(r.body());
    }

    private static JsonNode progress(RecordingServer r) throws Exception {
        return json(call(r, "GET", "/api/merge", null, TOKEN));
    }

    /** Playback of frames from {@code r}: the sequence numbers in order, and the stitch header. */
    private static List<Object> playback(RecordingServer r, long from, long to) throws Exception {
        HttpResponse<byte[]> resp = call(r, "GET", "/devices/" + DEV + "/playback/frames?from=" + from + "&to=" + to,
                null, TOKEN);
        assertThat(resp.statusCode()).isEqualTo(200);
        List<Long> seqs = new ArrayList<>();
        FrameCodec.readAll(new ByteArrayInputStream(resp.body()), f -> seqs.add(f.sequence()));
        return List.of(seqs, resp.headers().firstValue("X-Vigil-Stitched").orElse(""));
    }

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    /** The source over HTTP, but each segment fetch waits for {@code hold}. */
    private static MergeSource held(MergeSource http, CountDownLatch hold, AtomicLong held) {
        return new MergeSource() {
            @Override
            public List<SegmentInfo> segments(long deviceId, long from, long to) throws IOException {
                return http.segments(deviceId, from, to);
            }

            @Override
            public InputStream segment(long deviceId, long firstSeq, long offset) throws IOException {
                held.incrementAndGet();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("held by the test");
                }
                return http.segment(deviceId, firstSeq, offset);
            }

            @Override
            public InputStream playback(long deviceId, long from, long to) throws IOException {
                return http.playback(deviceId, from, to);
            }

            @Override
            public String describe() {
                return http.describe();
            }
        };
    }

    @Test
    void aMergeWaitsForItsSourceIsStitchedWhileHeldSurvivesARestartAndEndsContiguous() throws Exception {
        int sPort;
        try (ServerSocket free = new ServerSocket(0)) {
            sPort = free.getLocalPort();
        }
        long from = System.currentTimeMillis();
        CountDownLatch hold = new CountDownLatch(1);
        AtomicLong held = new AtomicLong();
        RecordingServer r = server("rec", 0, uri -> held(new HttpMergeSource(uri, TOKEN.getBytes()), hold, held));
        RecordingServer s = server("failover", sPort, null);
        record(r, 0, 199);
        record(s, 150, 349);
        record(r, 350, 399);
        s.close();
        long to = System.currentTimeMillis();
        assertThat(playback(r, from, to).get(0)).as("before the merge").isEqualTo(
                LongStream.concat(LongStream.rangeClosed(0, 199), LongStream.rangeClosed(350, 399)).boxed().toList());

        String body = "{\"source\":\"http://127.0.0.1:" + sPort + "\",\"devices\":[" + DEV + "],\"from\":" + from
                + ",\"to\":" + to + "}";
        assertThat(call(r, "POST", "/api/merge", body, null).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> bad = call(r, "POST", "/api/merge", body.replace("http://", "ftp://"), TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("field").asText()).isEqualTo("source");
        HttpResponse<byte[]> started = call(r, "POST", "/api/merge", body, TOKEN);
        assertThat(started.statusCode()).as(new String(started.body())).isEqualTo(202);

        await("the merge waits for its source").atMost(Duration.ofSeconds(60)).until(() -> progress(r).path("error")
                .asText().startsWith("waiting for the source http://127.0.0.1:" + sPort + "/: "));
        assertThat(progress(r).path("state").asText()).isEqualTo("running");
        assertThat((String) playback(r, from, to).get(1)).startsWith("merge pending and its source http://127.0.0.1:"
                + sPort + "/ unreachable");

        RecordingServer s2 = server("failover", sPort, null); // the failover server is back, same folder
        await("listed, then held").atMost(Duration.ofSeconds(60)).until(() -> held.get() > 0);
        JsonNode p = progress(r).path("devices").get(0);
        assertThat(p.path("framesTotal").asLong()).isEqualTo(200);
        assertThat(p.path("framesDone").asLong()).isZero();
        List<Object> stitched = playback(r, from, to);
        assertThat(stitched.get(0)).as("stitched from the failover server").isEqualTo(range(0, 399));
        assertThat(stitched.get(1)).isEqualTo("merge pending: frames not merged yet come from http://127.0.0.1:"
                + sPort + "/");

        r.close(); // stopped mid-merge; started again with the same folder, it continues by itself
        servers.remove(r);
        RecordingServer r2 = server("rec", 0, null);
        await("the merge completes").atMost(Duration.ofSeconds(60)).until(() -> progress(r2).path("state").asText()
                .equals("done"));
        p = progress(r2).path("devices").get(0);
        assertThat(p.path("state").asText()).isEqualTo("verified");
        assertThat(p.path("framesWritten").asLong()).isEqualTo(150);
        assertThat(p.path("framesAlreadyPresent").asLong()).isEqualTo(50);
        assertThat(p.path("bytesDone").asLong()).isEqualTo(p.path("bytesTotal").asLong()).isEqualTo(200 * 2036);
        assertThat(call(r2, "POST", "/api/merge", body.replace("[" + DEV + "]", "[8]"), TOKEN).statusCode())
                .as("a new job once the last is done").isEqualTo(202);

        s2.close();
        List<Object> after = playback(r2, from, to);
        RecordingServer open = RecordingServer.start(new RecordingServer.Options("open", "127.0.0.1", 0,
                tmp.resolve("open"), URI.create("http://127.0.0.1:9"), "rec", "pw", 60_000, 60_000, 64 * 1024, null));
        servers.add(open);
        HttpResponse<byte[]> refused = call(open, "POST", "/api/merge", body, null);
        assertThat(refused.statusCode()).as("no token, no merge").isEqualTo(403);
        assertThat(json(refused).path("error").asText()).contains("--api-token-file");
        assertThat(after.get(0)).as("from the recording server alone").isEqualTo(range(0, 399));
        JsonNode spans = json(call(r2, "GET", "/devices", null, TOKEN)).get(0).path("spans");
        assertThat(spans).hasSize(1);
        assertThat(spans.get(0).path("firstSeq").asLong()).isZero();
        assertThat(spans.get(0).path("lastSeq").asLong()).isEqualTo(399);
    }

    @Test
    void theCoordinatorsTokenStartsAMergeAndReadsTheFailoverServersSegments() throws Exception {
        String coordinator = "coordinator-token-7c1d";
        long from = System.currentTimeMillis();
        RecordingServer r = RecordingServer.start(new RecordingServer.Options("rec", "127.0.0.1", 0, tmp.resolve("rec"),
                URI.create("http://127.0.0.1:9"), "rec", "pw", 60_000, 60_000, 64 * 1024, TOKEN),
                new RecordingServer.Role(coordinator, false));
        servers.add(r);
        // the failover server has an API token of its own: the merge reads it with the coordinator's
        RecordingServer s = RecordingServer.start(new RecordingServer.Options("failover", "127.0.0.1", 0,
                tmp.resolve("failover"), null, null, null, 60_000, 60_000, 64 * 1024, "another-api-token-9e2b"),
                new RecordingServer.Role(coordinator, true));
        servers.add(s);
        record(s, 0, 99);
        String body = "{\"source\":\"http://127.0.0.1:" + s.port() + "\",\"devices\":[" + DEV + "],\"from\":" + from
                + ",\"to\":" + System.currentTimeMillis() + "}";
        assertThat(call(r, "POST", "/api/merge", body, "another-api-token-9e2b").statusCode()).isEqualTo(401);
        HttpResponse<byte[]> started = call(r, "POST", "/api/merge", body, coordinator);
        assertThat(started.statusCode()).as(new String(started.body())).isEqualTo(202);
        await("the merge completes").atMost(Duration.ofSeconds(60)).until(() -> json(call(r, "GET", "/api/merge", null,
                coordinator)).path("state").asText().equals("done"));
        assertThat(json(call(r, "GET", "/api/merge", null, TOKEN)).path("devices").get(0).path("framesWritten").asLong())
                .isEqualTo(100);
        assertThat(call(s, "GET", "/devices", null, null).statusCode()).as("the failover server's own token stays required")
                .isEqualTo(401);
    }
}
