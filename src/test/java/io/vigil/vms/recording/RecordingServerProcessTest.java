package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.replication.TestPostgres;
import io.vigil.vms.management.ManagementServer;
import io.vigil.vms.management.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recording servers as real processes, configured by a real management server on a real
 * PostgreSQL: contiguous recording, recording through a management outage, kill -9 mid-write, two
 * servers on one machine, refusals naming the parameter.
 */
@Tag("postgres")
@Tag("processes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingServerProcessTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String REC_PASSWORD = "recorder-Pw9-secret";
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;
    private TestPostgres db;
    private Store store;
    private ManagementServer mgmt;
    private int mgmtPort;
    private String admin;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();

    record Rec(String name, long id, int port, Path storage, List<String> command, String token) {
        Rec withToken(String t) throws Exception {
            Path file = Files.writeString(storage.resolveSibling(storage.getFileName() + ".token"), t);
            List<String> c = new ArrayList<>(command);
            c.addAll(List.of("--api-token-file", file.toString()));
            return new Rec(name, id, port, storage, c, t);
        }
    }

    @BeforeAll
    void start() throws Exception {
        db = TestPostgres.start("rec");
        store = Store.open(db.jdbcUrl(), TestPostgres.APP.user(), TestPostgres.APP.password(), 4);
        store.migrate();
        mgmt = ManagementServer.start(store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
        mgmtPort = mgmt.port();
        mgmt.bootstrapAdministrator("first-admin-Pw9");
        admin = login("admin", "first-admin-Pw9");
        assertThat(call("POST", "/api/users", "{\"name\":\"rec\",\"password\":\"" + REC_PASSWORD + "\",\"role\":\"viewer\"}")
                .statusCode()).isEqualTo(201);
        Files.writeString(tmp.resolve("rec.password"), REC_PASSWORD + "\n");
    }

    @AfterEach
    void killAll() {
        processes.values().forEach(Process::destroyForcibly);
        processes.clear();
    }

    @AfterAll
    void stop() throws Exception {
        mgmt.close();
        store.close();
        db.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmtPort + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (admin != null) {
            b.header("Authorization", "Bearer " + admin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String login(String user, String password) throws Exception {
        HttpResponse<String> r = call("POST", "/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        return ManagementClient.MAPPER.readTree(r.body()).get("token").asText();
    }

    private Rec recordingServer(String prefix) throws Exception {
        String name = prefix + " " + UUID.randomUUID().toString().substring(0, 6);
        Path storage = Files.createDirectories(tmp.resolve(name.replace(' ', '-')));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpResponse<String> r = call("POST", "/api/recording-servers", "{\"name\":\"" + name
                + "\",\"host\":\"127.0.0.1\",\"webPort\":" + port + ",\"storagePath\":\"" + storage + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        long id = ManagementClient.MAPPER.readTree(r.body()).get("id").asLong();
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RecordingMain.class.getName(),
                "--name", name, "--bind", "127.0.0.1", "--port", Integer.toString(port), "--storage", storage.toString(),
                "--management-url", "http://127.0.0.1:" + mgmtPort, "--user", "rec",
                "--password-file", tmp.resolve("rec.password").toString(), "--poll-ms", "500", "--segment-seconds", "2");
        return new Rec(name, id, port, storage, cmd, null);
    }

    private long device(Rec rec, String name, int fps, int kbps) throws Exception {
        HttpResponse<String> r = call("POST", "/api/recording-servers/" + rec.id() + "/devices", "{\"name\":\"" + name
                + "\",\"kind\":\"simulated\",\"fps\":" + fps + ",\"bitrateKbps\":" + kbps + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ManagementClient.MAPPER.readTree(r.body()).get("id").asLong();
    }

    private void launch(Rec rec) throws Exception {
        Process p = new ProcessBuilder(rec.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(rec.storage().resolveSibling(rec.storage().getFileName()
                        + ".log").toFile())).start();
        processes.put(rec.name(), p);
        await("recording server " + rec.name() + " answers").atMost(START).ignoreExceptions()
                .until(() -> get(rec, "/health").statusCode() == 200);
    }

    private HttpResponse<String> get(Rec rec, String path) throws Exception {
        return get(rec, path, rec.token());
    }

    private HttpResponse<String> get(Rec rec, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rec.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(Rec rec, String path) throws Exception {
        HttpResponse<String> r = get(rec, path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return ManagementClient.MAPPER.readTree(r.body());
    }

    /**
     * The frames the server has stored for the device, less one: -1 before any. (Numbers start at
     * the clock's frame slot, Recorder.firstSequence, so the count, not the last number, says how much.)
     */
    private long stored(Rec rec, long device) throws Exception {
        long frames = 0;
        for (JsonNode d : json(rec, "/devices")) {
            if (d.get("id").asLong() == device) {
                for (JsonNode span : d.get("spans")) {
                    frames += span.get("lastSeq").asLong() - span.get("firstSeq").asLong() + 1;
                }
            }
        }
        return frames - 1;
    }

    private void awaitStored(Rec rec, long device, long atLeast) {
        await("device " + device + " stores frame " + atLeast).atMost(START).ignoreExceptions()
                .until(() -> stored(rec, device) >= atLeast);
    }

    /** Every frame of the device's playback over all time, as streamed by /playback/frames. */
    private List<Frame> playback(Rec rec, long device) throws Exception {
        long now = System.currentTimeMillis();
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rec.port()
                + "/devices/" + device + "/playback/frames?from=" + (now - 3_600_000) + "&to=" + now)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-vigil-frames");
        List<Frame> frames = new ArrayList<>();
        FrameCodec.readAll(new ByteArrayInputStream(r.body()), frames::add);
        return frames;
    }

    private static void assertContiguous(List<Frame> frames) {
        assertThat(frames).isNotEmpty();
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).sequence()).as("frame %d of %d", i, frames.size())
                    .isEqualTo(frames.get(0).sequence() + i);
        }
    }

    @Test
    void recordingGivesContiguousSequenceNumbersInPlaybackAndLive() throws Exception {
        Rec rec = recordingServer("Contiguous");
        long cam = device(rec, "Cam A", 25, 200);
        launch(rec);
        awaitStored(rec, cam, 100);

        List<Frame> frames = playback(rec, cam);
        assertContiguous(frames);
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.deviceId()).isEqualTo(cam);
            assertThat(f.payload()).hasSize(1000); // 200 kbit/s at 25 frames/s
        });
        assertThat(frames).extracting(Frame::captureMillis).isSorted();

        JsonNode index = json(rec, "/devices/" + cam + "/playback?from=" + frames.get(0).captureMillis() + "&to="
                + frames.get(frames.size() - 1).captureMillis());
        assertThat(index.get("frames").size()).isEqualTo(frames.size());
        assertThat(index.get("frames").get(5).get("seq").asLong()).isEqualTo(frames.get(5).sequence());
        assertThat(index.get("truncated").asBoolean()).isFalse();

        HttpResponse<byte[]> live = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rec.port()
                + "/devices/" + cam + "/live")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(Long.parseLong(live.headers().firstValue("X-Sequence").orElseThrow()))
                .isGreaterThanOrEqualTo(frames.size() - 1);
        assertThat(live.body()).hasSize(1000);

        JsonNode health = json(rec, "/health");
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("management").asText()).isEqualTo("ok");
        Path saved = rec.storage().resolve(ConfigSync.FILE);
        assertThat(Files.readString(saved)).contains("Cam A").doesNotContain(REC_PASSWORD);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(rec.storage().resolveSibling(rec.storage().getFileName() + ".log")))
                .as("the process's whole output").contains("recording server '" + rec.name() + "'")
                .doesNotContain(REC_PASSWORD);
    }

    @Test
    void badRequestsGetA4xxNamingTheParameter() throws Exception {
        Rec rec = recordingServer("Refusals").withToken("viewer-token-Xy7");
        long cam = device(rec, "Cam R", 5, 16);
        launch(rec);
        awaitStored(rec, cam, 0);
        String base = "/devices/" + cam + "/playback";
        assertRefused(get(rec, "/devices/999999/playback?from=0&to=1"), 404, "id",
                "device 999999 is not recorded by this server; GET /devices lists them");
        assertRefused(get(rec, "/devices/abc/live"), 400, "id",
                "'abc' is not a device id (a positive number; GET /devices lists them)");
        assertRefused(get(rec, base + "?to=1"), 400, "from",
                "query parameter 'from' is required, e.g. from=2026-12-07T14:00:00Z (or milliseconds since 1970)");
        assertRefused(get(rec, base + "?from=0&to=yesterday"), 400, "to",
                "'yesterday' is not a time; write it as 2026-12-07T14:00:00Z or as milliseconds since 1970");
        assertRefused(get(rec, base + "/frames?from=2026-12-07T14:00:00Z&to=2026-12-07T13:00:00Z"), 400, "to",
                "to (2026-12-07T13:00:00Z) is before from (2026-12-07T14:00:00Z)");
        assertRefused(get(rec, base + "?from=2026-12-06T14:00:00Z&to=2026-12-07T14:00:01Z"), 400, "to",
                "a playback range is at most 24 hours; ask for it day by day");
        assertRefused(get(rec, "/nothing"), 404, null, "no such route: GET /nothing");
        String noToken = "send Authorization: Bearer TOKEN with the token of the recording server's --api-token-file";
        assertRefused(get(rec, "/devices", null), 401, null, noToken);
        assertRefused(get(rec, "/devices/" + cam + "/live", "viewer-token-Xy8"), 401, null, noToken);
        assertRefused(get(rec, base + "/frames?from=0&to=1", "viewer-token-Xy"), 401, null, noToken);
        assertThat(get(rec, "/health", null).statusCode()).as("health stays open for the cluster's checker").isEqualTo(200);
    }

    private static void assertRefused(HttpResponse<String> r, int status, String field, String message) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = ManagementClient.MAPPER.readTree(r.body());
        assertThat(e.get("error").asText()).isEqualTo(message);
        if (field == null) {
            assertThat(e.has("field")).isFalse();
        } else {
            assertThat(e.get("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void recordingGoesOnWhileTheManagementServerIsDownAndItReconnectsByItself() throws Exception {
        Rec rec = recordingServer("Outage");
        long cam = device(rec, "Cam O", 25, 100);
        launch(rec);
        awaitStored(rec, cam, 25);

        mgmt.close();
        await("the recording server notices").atMost(START).ignoreExceptions()
                .until(() -> json(rec, "/health").get("management").asText().contains("unreachable"));
        long during = stored(rec, cam);
        awaitStored(rec, cam, during + 50); // two seconds recorded with no management server
        mgmt = ManagementServer.start(store, Clock.systemUTC(), "node1", "127.0.0.1", mgmtPort);
        await("the recording server reconnects").atMost(START).ignoreExceptions()
                .until(() -> json(rec, "/health").get("management").asText().equals("ok"));

        // the session is refused from now on: the server must log in again to see a new device
        store.write(c -> c.createStatement().executeUpdate("DELETE FROM sessions WHERE user_name = 'rec'"));
        long second = device(rec, "Cam P", 10, 100);
        awaitStored(rec, second, 5);
        awaitStored(rec, cam, stored(rec, cam) + 25);

        assertContiguous(playback(rec, cam));
        assertThat(json(rec, "/devices").findValues("spans").get(0).size()).as("one span, no gap").isEqualTo(1);
    }

    @Test
    void killMinusNineMidWriteThenRestartKeepsTheIndexAndTwoContiguousRuns() throws Exception {
        Rec rec = recordingServer("Crash");
        long cam = device(rec, "Cam K", 100, 16_000); // 20 KB frames, 2 MB/s: the kill lands mid-write
        launch(rec);
        awaitStored(rec, cam, 300);
        Process p = processes.get(rec.name());
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor()).isEqualTo(137);

        mgmt.close(); // and the restart must work from the saved configuration alone
        try {
            launch(rec);
            long before = stored(rec, cam);
            assertThat(before).as("the index survived the crash").isGreaterThanOrEqualTo(300);
            awaitStored(rec, cam, before + 100);
        } finally {
            mgmt = ManagementServer.start(store, Clock.systemUTC(), "node1", "127.0.0.1", mgmtPort);
        }
        List<Frame> frames = playback(rec, cam);
        int restart = 1; // the restarted run continues past the crash by the time it was down: a gap
        while (restart < frames.size() && frames.get(restart).sequence() == frames.get(restart - 1).sequence() + 1) {
            restart++;
        }
        assertThat(restart).as("the run before the crash").isGreaterThan(300);
        assertContiguous(frames.subList(0, restart));
        assertContiguous(frames.subList(restart, frames.size()));
        assertThat(frames.subList(restart, frames.size())).as("the run after the restart").hasSizeGreaterThan(100);
        assertThat(frames).allSatisfy(f -> assertThat(f.payload()).hasSize(20_000));
        try (var files = Files.list(rec.storage().resolve("devices/" + cam))) {
            List<Path> segs = files.filter(f -> f.toString().endsWith(".seg")).toList();
            long whole = segs.stream().mapToLong(f -> f.toFile().length()).sum();
            assertThat(whole).as("segments hold whole frames only")
                    .isGreaterThanOrEqualTo((long) frames.size() * (20_000 + FrameCodec.HEADER_BYTES));
        }
    }

    @Test
    void twoRecordingServersRunOnOneMachineWithTheirOwnPortsFoldersAndDevices() throws Exception {
        Rec one = recordingServer("One");
        Rec two = recordingServer("Two");
        long camOne = device(one, "Cam 1", 10, 100);
        long camTwo = device(two, "Cam 2", 10, 100);
        launch(one);
        launch(two);
        awaitStored(one, camOne, 20);
        awaitStored(two, camTwo, 20);
        assertThat(json(one, "/devices").findValues("id")).extracting(JsonNode::asLong).containsExactly(camOne);
        assertThat(json(two, "/devices").findValues("id")).extracting(JsonNode::asLong).containsExactly(camTwo);
        assertThat(one.storage().resolve("devices/" + camOne)).isDirectory();
        assertThat(one.storage().resolve("devices/" + camTwo)).doesNotExist();
        assertContiguous(playback(one, camOne));
        assertContiguous(playback(two, camTwo));
        assertThat(json(two, "/health").get("name").asText()).isEqualTo(two.name());
    }
}
