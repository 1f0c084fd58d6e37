package io.vigil.vms.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.replication.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The management server on a real PostgreSQL: configuration, refusals that change nothing, users, audit, retries. */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementServerTest {
    private static final String ADMIN_PASSWORD = "first-admin-Pw9";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;
    private TestPostgres db;
    private Store store;
    private ManagementServer server;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        db = TestPostgres.start("mgmt");
        store = Store.open(db.jdbcUrl(), TestPostgres.APP.user(), TestPostgres.APP.password(), 4);
        assertThat(store.current()).as("no schema history yet").isFalse();
        assertThat(store.migrate()).isEqualTo(3);
        assertThat(store.current()).as("issue 13: a start on this schema needs no Flyway").isTrue();
        assertThat(store.migrate()).as("migrations run once").isZero();
        server = ManagementServer.start(store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
        assertThat(server.bootstrapAdministrator(ADMIN_PASSWORD)).isTrue();
        assertThat(server.bootstrapAdministrator("another-one-Pw9")).as("only into an empty user table").isFalse();
        admin = login("admin", ADMIN_PASSWORD);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        store.close();
        db.close();
    }

    @Test
    void theSchemaIsCurrentOnlyWhenItsHistoryEndsWithThisBuildsNewestMigrationSucceeded() throws Exception {
        store.write(c -> c.createStatement().executeUpdate("INSERT INTO flyway_schema_history (installed_rank,"
                + " version, description, type, script, checksum, installed_by, execution_time, success)"
                + " VALUES (99, '99', 'a newer build', 'SQL', 'V99__newer.sql', 0, 'test', 0, true)"));
        try {
            assertThat(store.current()).as("a newer build's schema: Flyway decides").isFalse();
            store.write(c -> c.createStatement().executeUpdate("UPDATE flyway_schema_history SET version = '"
                    + Store.NEWEST_MIGRATION + "', success = false WHERE installed_rank = 99"));
            assertThat(store.current()).as("a failed migration last: Flyway decides").isFalse();
        } finally {
            store.write(c -> c.createStatement().executeUpdate("DELETE FROM flyway_schema_history WHERE installed_rank = 99"));
        }
        assertThat(store.current()).isTrue();
    }

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private Reply call(String method, String path, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
        return new Reply(r.statusCode(), json, r);
    }

    private String login(String user, String password) throws Exception {
        Reply r = call("POST", "/api/login", null, "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        return r.body().get("token").asText();
    }

    private String serverJson(String name) {
        return "{\"name\":\"" + name + "\",\"host\":\"rec1.example\",\"webPort\":7563,\"storagePath\":\"/srv/video\"}";
    }

    private long createServer(String name) throws Exception {
        Reply r = call("POST", "/api/recording-servers", admin, serverJson(name));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        return r.body().get("id").asLong();
    }

    private int count(String path) throws Exception {
        return call("GET", path, admin, null).body().size();
    }

    @Test
    void configurationIsStoredAndReadBack() throws Exception {
        long id = createServer("Gate " + UUID.randomUUID().toString().substring(0, 8));
        Reply d = call("POST", "/api/recording-servers/" + id + "/devices", admin,
                "{\"name\":\"Camera 1\",\"kind\":\"simulated\",\"fps\":25,\"bitrateKbps\":4000}");
        assertThat(d.status()).as(d.raw().body()).isEqualTo(201);
        assertThat(d.body().get("retentionHours").asInt()).as("default retention").isEqualTo(168);

        Reply list = call("GET", "/api/recording-servers/" + id + "/devices", admin, null);
        assertThat(list.body()).hasSize(1);
        assertThat(list.body().get(0).get("name").asText()).isEqualTo("Camera 1");

        Reply put = call("PUT", "/api/devices/" + d.body().get("id").asLong(), admin,
                "{\"name\":\"Camera 1\",\"kind\":\"mjpeg\",\"url\":\"http://10.0.0.9/video\",\"fps\":10,\"bitrateKbps\":2000}");
        assertThat(put.status()).as(put.raw().body()).isEqualTo(200);
        assertThat(call("GET", "/api/devices/" + d.body().get("id").asLong(), admin, null).body().get("kind").asText())
                .isEqualTo("mjpeg");
    }

    @Test
    void badRequestsNameTheFieldAndChangeNothing() throws Exception {
        long id = createServer("Refusals " + UUID.randomUUID().toString().substring(0, 8));
        int servers = count("/api/recording-servers");
        int audit = count("/api/audit?limit=1000");

        assertRefused(call("POST", "/api/recording-servers", admin, "{not json"), 400, null, "not valid JSON");
        assertRefused(call("POST", "/api/recording-servers", admin, "{\"name\":\"x\",\"host\":\"h\",\"webPort\":1,"
                + "\"storagePath\":\"/v\",\"colour\":\"red\"}"), 400,
                "colour", "unknown field 'colour'");
        assertRefused(call("POST", "/api/recording-servers", admin,
                "{\"name\":\"x\",\"host\":\"h\",\"webPort\":\"many\",\"storagePath\":\"/v\"}"), 400, "webPort", "wrong type");
        assertRefused(call("POST", "/api/recording-servers", admin,
                "{\"name\":\"x\",\"host\":\"h\",\"webPort\":70000,\"storagePath\":\"/v\"}"), 400, "webPort", "between 1 and 65535");
        assertRefused(call("POST", "/api/recording-servers", admin,
                "{\"name\":\"x\",\"host\":\"h\",\"webPort\":7563}"), 400, "storagePath", "required");
        assertRefused(call("POST", "/api/recording-servers", admin,
                "{\"name\":\"x\",\"host\":\"127.0.0.1\",\"webPort\":7563,\"storagePath\":\"" + tmp.resolve("absent") + "\"}"),
                400, "storagePath", "not a writable directory");
        assertRefused(call("POST", "/api/recording-servers", admin,
                serverJson(call("GET", "/api/recording-servers/" + id, admin, null).body().get("name").asText())),
                409, "name", "already exists");
        assertRefused(call("POST", "/api/recording-servers/999999/devices", admin,
                "{\"name\":\"c\",\"kind\":\"simulated\",\"fps\":25,\"bitrateKbps\":4000}"), 404, null, "does not exist");
        assertRefused(call("POST", "/api/recording-servers/" + id + "/devices", admin,
                "{\"name\":\"c\",\"kind\":\"rtsp\",\"url\":\"http://x\",\"fps\":25,\"bitrateKbps\":4000}"), 400, "url", "rtsp://");
        assertRefused(call("GET", "/api/devices/abc", admin, null), 400, "id", "not an id");

        assertThat(count("/api/recording-servers")).isEqualTo(servers);
        assertThat(count("/api/audit?limit=1000")).as("refusals leave no audit row").isEqualTo(audit);
    }

    private static void assertRefused(Reply r, int status, String field, String message) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.body().get("error").asText()).contains(message);
        if (field == null) {
            assertThat(r.body().has("field")).as(r.raw().body()).isFalse();
        } else {
            assertThat(r.body().get("field").asText()).isEqualTo(field);
        }
    }

    @Test
    void everyApiRouteNeedsALoginAndChangesNeedAnAdministrator() throws Exception {
        assertThat(call("GET", "/api/recording-servers", null, null).status()).isEqualTo(401);
        assertThat(call("GET", "/api/recording-servers", "forged-token", null).status()).isEqualTo(401);
        assertThat(call("GET", "/health", null, null).body().get("database").asText()).isEqualTo("ok");
        assertRefused(call("POST", "/api/login", null, "{\"user\":\"admin\",\"password\":\"wrong-password\"}"), 401,
                null, "wrong user name or password");

        String name = "viewer" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(call("POST", "/api/users", admin, "{\"name\":\"" + name
                + "\",\"password\":\"viewer-pass-7\",\"role\":\"viewer\"}").status()).isEqualTo(201);
        String viewer = login(name, "viewer-pass-7");
        assertThat(call("GET", "/api/recording-servers", viewer, null).status()).isEqualTo(200);
        assertRefused(call("POST", "/api/recording-servers", viewer, serverJson("by viewer")), 403, null, "role 'viewer'");
        assertThat(call("GET", "/api/audit", viewer, null).status()).isEqualTo(403);
        assertRefused(call("POST", "/api/users", admin, "{\"name\":\"x1\",\"password\":\"p\",\"role\":\"viewer\"}"),
                400, "password", "8 to 128");
        assertRefused(call("POST", "/api/users", admin, "{\"name\":\"x1\",\"password\":\"long-enough-1\",\"role\":\"god\"}"),
                400, "role", "does not exist");
        assertRefused(call("DELETE", "/api/users/admin", admin, null), 409, "name", "last administrator");
    }

    @Test
    void failedLoginsLockTheUserOutBeforeTheHashRuns() throws Exception {
        String name = "locked" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(call("POST", "/api/users", admin, "{\"name\":\"" + name
                + "\",\"password\":\"right-pass-12\",\"role\":\"viewer\"}").status()).isEqualTo(201);
        for (int i = 0; i < Accounts.MAX_FAILURES; i++) {
            assertThat(call("POST", "/api/login", null, "{\"user\":\"" + name + "\",\"password\":\"wrong\"}").status())
                    .isEqualTo(401);
        }
        assertRefused(call("POST", "/api/login", null, "{\"user\":\"" + name + "\",\"password\":\"right-pass-12\"}"),
                429, null, "too many failed logins");
    }

    @Test
    void aChangeSentAgainWithItsKeyIsAppliedOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        String name = "Retry " + key.substring(0, 8);
        int servers = count("/api/recording-servers");
        Reply first = call("POST", "/api/recording-servers", admin, serverJson(name), "Idempotency-Key", key);
        Reply again = call("POST", "/api/recording-servers", admin, serverJson(name), "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).as("the first answer, not a 409").isEqualTo(201);
        assertThat(again.body().get("id").asLong()).isEqualTo(first.body().get("id").asLong());
        assertThat(again.raw().headers().firstValue("Idempotent-Replay")).contains("true");
        assertThat(count("/api/recording-servers")).isEqualTo(servers + 1);
        JsonNode audit = call("GET", "/api/audit?user=admin&limit=1000", admin, null).body();
        long rows = 0;
        for (JsonNode a : audit) {
            if (name.equals(a.get("detail").asText())) {
                rows++;
                assertThat(a.get("action").asText()).isEqualTo("create");
                assertThat(a.get("entity").asText()).isEqualTo("recording-server");
            }
        }
        assertThat(rows).as("one audit row: who created it, once").isEqualTo(1);
    }

    @Test
    void aSessionOutlivesTheServerThatIssuedItAsAfterAFailover() throws Exception {
        try (ManagementServer second = ManagementServer.start(store, Clock.systemUTC(), "node2", "127.0.0.1", 0)) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second.port()
                    + "/api/recording-servers")).header("Authorization", "Bearer " + admin).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
    }

    /** What a cluster's management server does at start with --reporter-password-file, and the tests' API client on it. */
    @Test
    void theNodesEventAccountIsCreatedOnceAndTheApiClientWorksWithIt() throws Exception {
        Accounts accounts = new Accounts(store, Clock.systemUTC());
        assertThat(accounts.ensure(ManagementServer.NODE_REPORTER, "reporter-Pw-1234", "reporter")).isTrue();
        assertThat(accounts.ensure(ManagementServer.NODE_REPORTER, "another-Pw-5678", "reporter"))
                .as("an existing account keeps its password").isFalse();
        URI base = URI.create("http://127.0.0.1:" + server.port());
        ManagementApi reporter = ManagementApi.login(base, ManagementServer.NODE_REPORTER, "reporter-Pw-1234",
                java.time.Duration.ofSeconds(10));
        assertThat(reporter.putService("by-reporter", "10.0.0.10", 8101).status())
                .as("a reporter cannot change the configuration").isEqualTo(403);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManagementApi.login(base,
                        ManagementServer.NODE_REPORTER, "another-Pw-5678", java.time.Duration.ofSeconds(10)))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("login as 'vigil-node' at " + base + " refused (401): wrong user name or password");

        ManagementApi api = ManagementApi.login(base, "admin", ADMIN_PASSWORD, java.time.Duration.ofSeconds(10));
        assertThat(api.putService("client-test", "10.0.0.11", 8102).status()).isEqualTo(200);
        assertThat(api.service("client-test").get("port").asInt()).isEqualTo(8102);
        assertThat(api.service("absent")).isNull();
        assertThat(api.servedBy()).isEqualTo("node1");
        assertThat(api.at(base).get("/api/services").ok()).as("the same session, another base").isTrue();
    }
}
