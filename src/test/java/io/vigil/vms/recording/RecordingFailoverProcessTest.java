package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.replication.TestPostgres;
import io.vigil.vms.management.FailoverCoordinator;
import io.vigil.vms.management.ManagementServer;
import io.vigil.vms.management.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
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
 * Recording-server failover end to end (issue 14): recording and failover servers as real
 * processes, the management server and its failover coordinator on a real PostgreSQL. A recording
 * server killed with SIGKILL is covered by its group's failover server (full devices recorded
 * there, live-only live but not stored, none untouched) and handed back when it returns, also
 * across a restart of the coordinator; a hot standby takes over its recording server; two
 * recording servers down with one failover server: one covered, the other reported uncovered.
 */
@Tag("postgres")
@Tag("processes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingFailoverProcessTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String REC_PASSWORD = "recorder-Pw9-secret";
    private static final String COORDINATOR_TOKEN = "coordinator-token-Qz4-secret";
    private static final Duration START = Duration.ofSeconds(90);
    /** Beats of 200 ms, silent for 25 (5 s) before down: JVMs starting on a loaded machine pause for seconds. */
    private static final FailoverCoordinator.Options OPTIONS =
            new FailoverCoordinator.Options(COORDINATOR_TOKEN, 200, 25, 4, 200);

    @TempDir
    static Path tmp;
    private TestPostgres db;
    private Store store;
    private ManagementServer mgmt;
    private FailoverCoordinator coordinator;
    private String admin;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();

    /** A recording or failover server process: its management id, port, storage and command line. */
    record Server(String name, long id, int port, Path storage, List<String> command) {
    }

    @BeforeAll
    void start() throws Exception {
        db = TestPostgres.start("rsfail");
        store = Store.open(db.jdbcUrl(), TestPostgres.APP.user(), TestPostgres.APP.password(), 4);
        store.migrate();
        mgmt = ManagementServer.start(store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
        mgmt.bootstrapAdministrator("first-admin-Pw9");
        admin = ManagementClient.MAPPER.readTree(call("POST", "/api/login",
                "{\"user\":\"admin\",\"password\":\"first-admin-Pw9\"}").body()).get("token").asText();
        created(call("POST", "/api/users", "{\"name\":\"rec\",\"password\":\"" + REC_PASSWORD + "\",\"role\":\"viewer\"}"));
        Files.writeString(tmp.resolve("rec.password"), REC_PASSWORD + "\n");
        Files.writeString(tmp.resolve("coordinator.token"), COORDINATOR_TOKEN + "\n");
        coordinator = FailoverCoordinator.start(store, OPTIONS);
    }

    @AfterAll
    void stop() throws Exception {
        processes.values().forEach(Process::destroyForcibly);
        coordinator.close();
        mgmt.close();
        store.close();
        db.close();
    }

    @Test
    void aKilledRecordingServerIsCoveredByItsGroupsFailoverServerAndHandedBackWhenItReturns() throws Exception {
        Server rec = recordingServer("Killed");
        long full = device(rec, "Cam full", "full");
        long live = device(rec, "Cam live", "live-only");
        long none = device(rec, "Cam none", "none");
        Server fs = failoverServer("Cold one");
        long group = group("Group one", fs);
        long recordingFrom = System.currentTimeMillis();
        launch(fs);
        launch(rec);
        awaitHealth(fs);
        awaitHealth(rec);
        // protected once up: a protected recording server that is down is covered at once, also at start
        ok(call("PUT", "/api/recording-servers/" + rec.id() + "/failover", "{\"primaryGroupId\":" + group + "}"));
        await("the recording server records").atMost(START).ignoreExceptions().until(() -> stored(rec, full) >= 10);

        assertThat(coordinatorCall(rec, "PUT", "{\"recordingServerId\":" + rec.id() + "}", COORDINATOR_TOKEN).body())
                .contains("this is a recording server, not a failover server");
        assertThat(coordinatorCall(fs, "GET", null, null).statusCode()).isEqualTo(401);
        assertThat(coordinatorCall(fs, "PUT", "{\"recordingServerId\":" + rec.id() + "}", "viewer-token").statusCode())
                .isEqualTo(401);

        long killed = System.nanoTime();
        long killedAt = System.currentTimeMillis();
        processes.get(rec.name()).destroyForcibly();
        await("the failover server records the full device").atMost(START).ignoreExceptions()
                .until(() -> stored(fs, full) >= 0);
        long takeoverMs = (System.nanoTime() - killed) / 1_000_000;
        awaitStoredGrows(fs, full);

        JsonNode devices = json(fs, "/devices");
        assertThat(devices.findValues("id")).extracting(JsonNode::asLong).as("none devices untouched")
                .containsExactlyInAnyOrder(full, live);
        assertThat(device(devices, full).get("recording").asBoolean()).isTrue();
        assertThat(device(devices, live).get("recording").asBoolean()).as("live only: not stored").isFalse();
        assertThat(device(devices, live).get("live").asBoolean()).isTrue();
        assertThat(fs.storage().resolve("devices/" + live)).doesNotExist();
        assertThat(fs.storage().resolve("devices/" + none)).doesNotExist();
        await("live video of the live-only device at the failover server").atMost(START).ignoreExceptions()
                .until(() -> get(fs, "/devices/" + live + "/live").statusCode() == 200);

        JsonNode servedBy = ok(call("GET", "/api/devices/" + full + "/served-by", null));
        assertThat(servedBy.get("failoverServerId").asLong()).isEqualTo(fs.id());
        assertThat(servedBy.get("address").asText()).isEqualTo("http://127.0.0.1:" + fs.port() + "/");
        assertThat(ok(call("GET", "/api/devices/" + none + "/served-by", null)).get("served").asBoolean()).isFalse();
        assertThat(ok(call("GET", "/api/recording-servers/" + rec.id() + "/failover", null)).get("coveredBy").asLong())
                .isEqualTo(fs.id());
        assertThat(events("failover-takeover", rec.id())).hasSize(1);
        System.err.println("recording server killed -> failover server recording: " + takeoverMs + " ms");
        assertThat(coordinatorCall(fs, "PUT", "{\"recordingServerId\":999}", COORDINATOR_TOKEN).body())
                .as("one cover at a time").contains("covers recording server " + rec.id() + " now");

        // a management-server failover in the middle: the new coordinator reads the cover back, nothing changes
        coordinator.close();
        coordinator = FailoverCoordinator.start(store, OPTIONS);
        awaitStoredGrows(fs, full);
        assertThat(ok(call("GET", "/api/recording-servers/" + rec.id() + "/failover", null)).get("coveredBy").asLong())
                .isEqualTo(fs.id());
        assertThat(events("failover-takeover", rec.id())).hasSize(1);

        launch(rec);
        await("hand-back").atMost(START).ignoreExceptions().until(() ->
                ok(call("GET", "/api/recording-servers/" + rec.id() + "/failover", null)).get("coveredBy").isNull());
        await("the failover server stops recording").atMost(START).ignoreExceptions()
                .until(() -> json(fs, "/health").get("recordingDevices").asInt() == 0);
        long last = stored(fs, full);
        awaitStoredGrows(rec, full);
        assertThat(stored(fs, full)).as("the failover server records no more").isEqualTo(last);
        assertThat(events("failover-handback", rec.id())).hasSize(1);
        assertThat(ok(call("GET", "/api/devices/" + full + "/served-by", null)).get("address").asText())
                .isEqualTo("http://127.0.0.1:" + rec.port() + "/");

        // the merge back, started by the coordinator at hand-back with its token
        await("the merge back is done").atMost(START).ignoreExceptions()
                .until(() -> json(rec, "/api/merge").path("state").asText().equals("done"));
        JsonNode merged = json(rec, "/api/merge").path("devices").get(0);
        assertThat(merged.path("state").asText()).isEqualTo("verified");
        assertThat(merged.path("framesWritten").asLong()).as("what only the failover server had").isPositive();
        List<Frame> frames = playback(rec, full, recordingFrom, System.currentTimeMillis());
        List<Integer> gaps = new ArrayList<>();
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).sequence()).as("no duplicate, in order: frame %d of %d", i, frames.size())
                    .isGreaterThan(frames.get(i - 1).sequence());
            if (frames.get(i).sequence() != frames.get(i - 1).sequence() + 1) {
                gaps.add(i);
            }
        }
        assertThat(gaps).as("contiguous but for the detection gap").hasSize(1);
        Frame before = frames.get(gaps.get(0) - 1);
        Frame after = frames.get(gaps.get(0));
        long gapMs = after.captureMillis() - before.captureMillis();
        assertThat(before.captureMillis()).as("the gap starts at the kill").isLessThanOrEqualTo(killedAt);
        assertThat(gapMs).as("the gap is the takeover").isLessThanOrEqualTo(takeoverMs + 2000);
        assertThat(after.sequence() - before.sequence()).as("numbers skip the frames of the gap's time (20 fps)")
                .isBetween(gapMs * 20 / 1000 - 20, gapMs * 20 / 1000 + 20);
        System.err.println("playback after the merge: " + frames.size() + " frames, one gap of " + gapMs + " ms ("
                + (after.sequence() - before.sequence() - 1) + " numbers)");
    }

    @Test
    void twoRecordingServersDownWithOneColdFailoverServerOneIsCoveredTheOtherReportedUncovered() throws Exception {
        Server one = recordingServer("Twin one");
        Server two = recordingServer("Twin two");
        long camOne = device(one, "Cam one", "full");
        long camTwo = device(two, "Cam two", "full");
        Server fs = failoverServer("Only one");
        long group = group("Group two", fs);
        launch(fs);
        launch(one);
        launch(two);
        awaitHealth(fs);
        awaitHealth(one);
        awaitHealth(two);
        for (Server s : List.of(one, two)) {
            ok(call("PUT", "/api/recording-servers/" + s.id() + "/failover", "{\"primaryGroupId\":" + group + "}"));
        }
        processes.get(one.name()).destroyForcibly();
        processes.get(two.name()).destroyForcibly();

        await("one covered, the other reported uncovered").atMost(START).ignoreExceptions().until(() ->
                events("failover-takeover", one.id()).size() + events("failover-takeover", two.id()).size() == 1
                        && events("failover-uncovered", one.id()).size() + events("failover-uncovered", two.id()).size() == 1);
        boolean oneCovered = events("failover-takeover", one.id()).size() == 1;
        Server covered = oneCovered ? one : two;
        Server uncovered = oneCovered ? two : one;
        long coveredCam = oneCovered ? camOne : camTwo;
        awaitStoredGrows(fs, coveredCam);
        assertThat(json(fs, "/devices").findValues("id")).extracting(JsonNode::asLong).as("never both half-covered")
                .containsExactly(coveredCam);
        assertThat(ok(call("GET", "/api/recording-servers/" + uncovered.id() + "/failover", null)).get("coveredBy")
                .isNull()).isTrue();
        assertThat(events("failover-uncovered", uncovered.id()).get(0))
                .contains("failover server " + fs.id() + " covers another recording server");
        assertThat(ok(call("GET", "/api/recording-servers/" + covered.id() + "/failover", null)).get("coveredBy").asLong())
                .isEqualTo(fs.id());
    }

    @Test
    void aHotStandbyTakesOverItsRecordingServer() throws Exception {
        Server rec = recordingServer("Hot protected");
        long cam = device(rec, "Cam hot", "full");
        Server standby = failoverServer("Hot standby");
        launch(standby);
        launch(rec);
        awaitHealth(standby);
        awaitHealth(rec);
        ok(call("PUT", "/api/recording-servers/" + rec.id() + "/failover", "{\"hotStandbyId\":" + standby.id() + "}"));
        await("the recording server records").atMost(START).ignoreExceptions().until(() -> stored(rec, cam) >= 10);

        processes.get(rec.name()).destroyForcibly();
        await("the hot standby records").atMost(START).ignoreExceptions().until(() -> stored(standby, cam) >= 0);
        awaitStoredGrows(standby, cam);
        assertThat(events("failover-takeover", rec.id())).singleElement().asString().contains("(hot standby)");
    }

    // ---- the management API

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmt.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (admin != null) {
            b.header("Authorization", "Bearer " + admin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ManagementClient.MAPPER.readTree(r.body());
    }

    private static long created(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return ManagementClient.MAPPER.readTree(r.body()).path("id").asLong();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Server recordingServer(String prefix) throws Exception {
        String name = prefix + " " + UUID.randomUUID().toString().substring(0, 6);
        Path storage = Files.createDirectories(tmp.resolve(name.replace(' ', '-')));
        int port = freePort();
        long id = created(call("POST", "/api/recording-servers", "{\"name\":\"" + name + "\",\"host\":\"127.0.0.1\","
                + "\"webPort\":" + port + ",\"storagePath\":\"" + storage + "\"}"));
        List<String> cmd = new ArrayList<>(command(name, port, storage));
        cmd.addAll(List.of("--management-url", "http://127.0.0.1:" + mgmt.port(), "--user", "rec",
                "--password-file", tmp.resolve("rec.password").toString(), "--poll-ms", "500"));
        return new Server(name, id, port, storage, cmd);
    }

    private Server failoverServer(String prefix) throws Exception {
        String name = prefix + " " + UUID.randomUUID().toString().substring(0, 6);
        Path storage = Files.createDirectories(tmp.resolve(name.replace(' ', '-')));
        int port = freePort();
        long id = created(call("POST", "/api/failover-servers", "{\"name\":\"" + name + "\",\"hostName\":\"127.0.0.1\","
                + "\"localWebAddress\":\"http://127.0.0.1:" + port + "/\",\"databaseLocation\":\"" + storage + "\"}"));
        List<String> cmd = new ArrayList<>(command(name, port, storage));
        cmd.add("--failover");
        return new Server(name, id, port, storage, cmd);
    }

    private static List<String> command(String name, int port, Path storage) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        return List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RecordingMain.class.getName(),
                "--name", name, "--bind", "127.0.0.1", "--port", Integer.toString(port), "--storage", storage.toString(),
                "--segment-seconds", "2", "--coordinator-token-file", tmp.resolve("coordinator.token").toString());
    }

    private long device(Server rec, String name, String support) throws Exception {
        long id = created(call("POST", "/api/recording-servers/" + rec.id() + "/devices", "{\"name\":\"" + name
                + "\",\"kind\":\"simulated\",\"fps\":20,\"bitrateKbps\":100}"));
        ok(call("PUT", "/api/devices/" + id + "/failover", "{\"support\":\"" + support + "\"}"));
        return id;
    }

    private long group(String prefix, Server... members) throws Exception {
        long id = created(call("POST", "/api/failover-groups", "{\"name\":\"" + prefix + " "
                + UUID.randomUUID().toString().substring(0, 6) + "\"}"));
        for (Server m : members) {
            ok(call("POST", "/api/failover-groups/" + id + "/members", "{\"failoverServerId\":" + m.id() + "}"));
        }
        return id;
    }

    /** The coordinator's events of {@code type} about the recording server, their messages in order. */
    private List<String> events(String type, long recordingServer) throws Exception {
        return store.read(c -> {
            List<String> out = new ArrayList<>();
            try (var st = c.prepareStatement("SELECT message FROM events WHERE type = ? AND source = 'failover-coordinator'"
                    + " AND data::json ->> 'recordingServerId' = ? ORDER BY id")) {
                st.setString(1, type);
                st.setString(2, Long.toString(recordingServer));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    // ---- the servers

    private HttpResponse<String> coordinatorCall(Server s, String method, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/failover/cover"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void launch(Server s) throws Exception {
        Process p = new ProcessBuilder(s.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(s.storage().resolveSibling(s.storage().getFileName()
                        + ".log").toFile())).start();
        processes.put(s.name(), p);
    }

    private void awaitHealth(Server s) {
        await(s.name() + " answers").atMost(START).ignoreExceptions().until(() -> get(s, "/health").statusCode() == 200);
    }

    private HttpResponse<String> get(Server s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(Server s, String path) throws Exception {
        HttpResponse<String> r = get(s, path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return ManagementClient.MAPPER.readTree(r.body());
    }

    private static JsonNode device(JsonNode devices, long id) {
        for (JsonNode d : devices) {
            if (d.get("id").asLong() == id) {
                return d;
            }
        }
        throw new AssertionError("device " + id + " is not listed: " + devices);
    }

    /** The frames the server has stored for the device, less one: -1 before any. */
    private long stored(Server s, long device) throws Exception {
        long frames = 0;
        for (JsonNode d : json(s, "/devices")) {
            if (d.get("id").asLong() == device) {
                for (JsonNode span : d.get("spans")) {
                    frames += span.get("lastSeq").asLong() - span.get("firstSeq").asLong() + 1;
                }
            }
        }
        return frames - 1;
    }

    /** Every frame of the device's playback from the server in the range, as /playback/frames streams them. */
    private List<Frame> playback(Server s, long device, long from, long to) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                + "/devices/" + device + "/playback/frames?from=" + from + "&to=" + to)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        List<Frame> frames = new ArrayList<>();
        FrameCodec.readAll(new java.io.ByteArrayInputStream(r.body()), frames::add);
        return frames;
    }

    private void awaitStoredGrows(Server s, long device) throws Exception {
        long now = stored(s, device);
        await(s.name() + " stores more of device " + device).atMost(START).ignoreExceptions()
                .until(() -> stored(s, device) >= now + 10);
    }
}
