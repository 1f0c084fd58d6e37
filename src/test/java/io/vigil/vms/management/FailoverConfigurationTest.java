package io.vigil.vms.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.replication.TestPostgres;
import io.vigil.vms.management.VmsFixture.Reply;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's configuration on a real PostgreSQL through the management API: failover servers,
 * groups and their sequence, protections, device support, and the covered state. Each rule is
 * refused with a 4xx naming the field, and a refusal changes nothing.
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailoverConfigurationTest {
    private static final String CLUSTER_NODE = "vms1.cluster";
    private TestPostgres db;
    private Store store;
    private ManagementServer server;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        db = TestPostgres.start("rsfail");
        store = Store.open(db.jdbcUrl(), TestPostgres.APP.user(), TestPostgres.APP.password(), 4);
        store.migrate();
        server = ManagementServer.start(store, Clock.systemUTC(), "node1", "127.0.0.1", 0, Set.of(CLUSTER_NODE, "vms2.cluster"));
        server.bootstrapAdministrator(VmsFixture.ADMIN_PASSWORD);
        Reply r = call("POST", "/api/login", null, "{\"user\":\"admin\",\"password\":\"" + VmsFixture.ADMIN_PASSWORD + "\"}");
        admin = r.body().get("token").asText();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        store.close();
        db.close();
    }

    private Reply call(String method, String path, String token, String body) throws Exception {
        return VmsFixture.call(server.port(), method, path, token, body);
    }

    private Reply call(String method, String path, String body) throws Exception {
        return call(method, path, admin, body);
    }

    private static String unique(String prefix) {
        return prefix + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private long created(Reply r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().get("id").asLong();
    }

    private long failoverServer(String host) throws Exception {
        return created(call("POST", "/api/failover-servers", "{\"name\":\"" + unique("FO") + "\",\"hostName\":\"" + host
                + "\",\"databaseLocation\":\"/var/lib/failover\"}"));
    }

    private long group() throws Exception {
        return created(call("POST", "/api/failover-groups", "{\"name\":\"" + unique("Group") + "\"}"));
    }

    private long recordingServer() throws Exception {
        return created(call("POST", "/api/recording-servers", "{\"name\":\"" + unique("RS")
                + "\",\"host\":\"rec.example\",\"webPort\":7563,\"storagePath\":\"/srv/video\"}"));
    }

    private long device(long rs) throws Exception {
        return created(call("POST", "/api/recording-servers/" + rs + "/devices",
                "{\"name\":\"Cam\",\"kind\":\"simulated\",\"fps\":10,\"bitrateKbps\":1000}"));
    }

    private Reply join(long group, long fs) throws Exception {
        return call("POST", "/api/failover-groups/" + group + "/members", "{\"failoverServerId\":" + fs + "}");
    }

    private Reply protect(long rs, String body) throws Exception {
        return call("PUT", "/api/recording-servers/" + rs + "/failover", body);
    }

    private static void assertRefused(Reply r, int status, String field, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        if (field == null) {
            assertThat(r.body().has("field")).as(r.text()).isFalse();
        } else {
            assertThat(r.body().path("field").asText()).as(r.text()).isEqualTo(field);
        }
        assertThat(r.body().get("error").asText()).contains(message);
    }

    @Test
    void aFailoverServerHasTheSpecPropertiesWithDefaultsAndAReadOnlyHostName() throws Exception {
        String name = unique("FO props");
        Reply r = call("POST", "/api/failover-servers", "{\"name\":\"" + name + "\",\"description\":\"takes over Gate\","
                + "\"hostName\":\"fo1.example\",\"publicWebAddress\":\"https://nat.example:443/\","
                + "\"databaseLocation\":\"/var/lib/failover\",\"multicastNicAddress\":\"10.0.0.7\"}");
        long id = created(r);
        JsonNode s = call("GET", "/api/failover-servers/" + id, null).body();
        assertThat(s.get("localWebAddress").asText()).isEqualTo("http://fo1.example:7563/");
        assertThat(s.get("publicWebAddress").asText()).isEqualTo("https://nat.example:443/");
        assertThat(s.get("udpPort").asInt()).isEqualTo(8844);
        assertThat(s.get("enabled").asBoolean()).isTrue();
        assertThat(s.get("description").asText()).isEqualTo("takes over Gate");
        assertThat(s.get("multicastNicAddress").asText()).isEqualTo("10.0.0.7");

        assertRefused(call("PUT", "/api/failover-servers/" + id, "{\"name\":\"" + name + "\",\"hostName\":\"other.example\","
                + "\"databaseLocation\":\"/var/lib/failover\"}"), 400, "hostName", "read-only");
        Reply put = call("PUT", "/api/failover-servers/" + id, "{\"name\":\"" + name + "\",\"udpPort\":9944,"
                + "\"databaseLocation\":\"/data/failover\",\"enabled\":false}");
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.body().get("hostName").asText()).isEqualTo("fo1.example");
        assertThat(put.body().get("udpPort").asInt()).isEqualTo(9944);
        assertThat(put.body().get("databaseLocation").asText()).isEqualTo("/data/failover");
        assertThat(put.body().get("enabled").asBoolean()).isFalse();
    }

    @Test
    void badFailoverServerFieldsAreNamed() throws Exception {
        int before = call("GET", "/api/failover-servers", null).body().size();
        String base = "\"name\":\"" + unique("Bad") + "\",";
        assertRefused(call("POST", "/api/failover-servers", "{" + base + "\"databaseLocation\":\"/v\"}"),
                400, "hostName", "required");
        assertRefused(call("POST", "/api/failover-servers", "{" + base + "\"hostName\":\"h\",\"databaseLocation\":\"v\"}"),
                400, "databaseLocation", "absolute path");
        assertRefused(call("POST", "/api/failover-servers", "{" + base + "\"hostName\":\"h\",\"udpPort\":0,"
                + "\"databaseLocation\":\"/v\"}"), 400, "udpPort", "between 1 and 65535");
        assertRefused(call("POST", "/api/failover-servers", "{" + base + "\"hostName\":\"h\",\"localWebAddress\":"
                + "\"ftp://h:21/\",\"databaseLocation\":\"/v\"}"), 400, "localWebAddress", "http://HOST:PORT/");
        assertRefused(call("POST", "/api/failover-servers", "{" + base + "\"hostName\":\"h\",\"multicastNicAddress\":"
                + "\"10.0.0.300\",\"databaseLocation\":\"/v\"}"), 400, "multicastNicAddress", "IPv4");
        assertRefused(call("POST", "/api/failover-servers", "{" + base + "\"hostName\":\"bad host\",\"databaseLocation\":\"/v\"}"),
                400, "hostName", "neither a host name");
        assertThat(call("GET", "/api/failover-servers", null).body()).hasSize(before);
    }

    @Test
    void aGroupsSequenceIsTheOrderAddedAndCanBeReordered() throws Exception {
        long g = group();
        long a = failoverServer("fa.example");
        long b = failoverServer("fb.example");
        long c = failoverServer("fc.example");
        join(g, a);
        join(g, b);
        Reply r = join(g, c);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.body().get("sequence").toString()).isEqualTo("[" + a + "," + b + "," + c + "]");

        Reply re = call("PUT", "/api/failover-groups/" + g + "/members", "{\"failoverServerIds\":[" + c + "," + a + "]}");
        assertThat(re.status()).as(re.text()).isEqualTo(200);
        assertThat(call("GET", "/api/failover-groups/" + g, null).body().get("sequence").toString())
                .isEqualTo("[" + c + "," + a + "]");
        assertThat(call("GET", "/api/failover-servers/" + b, null).body().get("groupId").isNull()).as("left out: left").isTrue();
        assertRefused(call("PUT", "/api/failover-groups/" + g + "/members", "{\"failoverServerIds\":[" + a + "," + a + "]}"),
                400, "failoverServerIds", "listed twice");
    }

    @Test
    void aFailoverServerIsInAtMostOneGroup() throws Exception {
        long g1 = group();
        long g2 = group();
        long a = failoverServer("one-group.example");
        assertThat(join(g1, a).status()).isEqualTo(200);
        assertRefused(join(g2, a), 409, "failoverServerId", "already in failover group " + g1);
        assertRefused(call("PUT", "/api/failover-groups/" + g2 + "/members", "{\"failoverServerIds\":[" + a + "]}"),
                409, "failoverServerId", "at most one group");
        assertThat(call("GET", "/api/failover-groups/" + g2, null).body().get("sequence")).isEmpty();
    }

    @Test
    void aFailoverServerIsNeverBothGroupedAndAHotStandby() throws Exception {
        long rs1 = recordingServer();
        long rs2 = recordingServer();
        long hot = failoverServer("hot.example");
        long grouped = failoverServer("grouped.example");
        long g = group();
        assertThat(join(g, grouped).status()).isEqualTo(200);
        assertThat(protect(rs1, "{\"hotStandbyId\":" + hot + "}").status()).isEqualTo(200);

        assertRefused(join(g, hot), 409, "failoverServerId", "hot standby of recording server " + rs1);
        assertRefused(protect(rs2, "{\"hotStandbyId\":" + grouped + "}"), 409, "hotStandbyId", "in failover group " + g);
        assertRefused(protect(rs2, "{\"hotStandbyId\":" + hot + "}"), 409, "hotStandbyId", "serves one recording server");
        assertThat(call("GET", "/api/recording-servers/" + rs2 + "/failover", null).body().get("hotStandbyId").isNull()).isTrue();
    }

    @Test
    void aFailoverServerOnAClusterNodeMayOnlyBeAHotStandby() throws Exception {
        long onNode = failoverServer(CLUSTER_NODE);
        assertRefused(join(group(), onNode), 409, "failoverServerId", "may only be a hot standby");
        long rs = recordingServer();
        Reply r = protect(rs, "{\"hotStandbyId\":" + onNode + "}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.body().get("hotStandbyId").asLong()).isEqualTo(onNode);
    }

    @Test
    void aProtectionIsGroupsOrAHotStandby() throws Exception {
        long rs = recordingServer();
        long g1 = group();
        long g2 = group();
        assertRefused(protect(rs, "{\"primaryGroupId\":" + g1 + ",\"hotStandbyId\":" + failoverServer("x.example") + "}"),
                400, "hotStandbyId", "not both");
        assertRefused(protect(rs, "{\"secondaryGroupId\":" + g2 + "}"), 400, "secondaryGroupId", "needs a primary group");
        assertRefused(protect(rs, "{\"primaryGroupId\":" + g1 + ",\"secondaryGroupId\":" + g1 + "}"),
                400, "secondaryGroupId", "differ");
        assertRefused(protect(rs, "{\"primaryGroupId\":999999}"), 404, null, "failover group 999999 does not exist");
        Reply ok = protect(rs, "{\"primaryGroupId\":" + g1 + ",\"secondaryGroupId\":" + g2 + "}");
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.body().get("secondaryGroupId").asLong()).isEqualTo(g2);
        assertRefused(call("DELETE", "/api/failover-groups/" + g1, null), 409, null, "protects a recording server");
    }

    @Test
    void eachDeviceHasFullLiveOnlyOrNoFailoverSupport() throws Exception {
        long d = device(recordingServer());
        assertThat(call("GET", "/api/devices/" + d + "/failover", null).body().get("support").asText()).isEqualTo("full");
        assertThat(call("PUT", "/api/devices/" + d + "/failover", "{\"support\":\"live-only\"}").status()).isEqualTo(200);
        assertThat(call("GET", "/api/devices/" + d + "/failover", null).body().get("support").asText()).isEqualTo("live-only");
        assertRefused(call("PUT", "/api/devices/" + d + "/failover", "{\"support\":\"partial\"}"), 400, "support",
                "[full, live-only, none]");
    }

    /** A recording server covered by g's first server, with one device; returns {rs, device, fs}. */
    private long[] covered() throws Exception {
        long rs = recordingServer();
        long d = device(rs);
        long g = group();
        long fs = failoverServer("cover.example");
        join(g, fs);
        assertThat(protect(rs, "{\"primaryGroupId\":" + g + "}").status()).isEqualTo(200);
        Reply cover = call("PUT", "/api/recording-servers/" + rs + "/cover", "{\"failoverServerId\":" + fs + "}");
        assertThat(cover.status()).as(cover.text()).isEqualTo(200);
        return new long[] {rs, d, fs};
    }

    @Test
    void whileCoveredHardwareServerStorageAndStreamChangesAreRefusedAndAllowedAgainAfterHandBack() throws Exception {
        long[] c = covered();
        long rs = c[0];
        long d = c[1];
        String rsBody = "{\"name\":\"renamed " + rs + "\",\"host\":\"rec.example\",\"webPort\":7563,\"storagePath\":\"/srv/v2\"}";
        String deviceBody = "{\"name\":\"Cam\",\"kind\":\"simulated\",\"fps\":25,\"bitrateKbps\":1000,\"retentionHours\":24}";
        assertRefused(call("PUT", "/api/recording-servers/" + rs, rsBody), 409, null, "in failover mode");
        assertRefused(call("DELETE", "/api/recording-servers/" + rs, null), 409, null, "in failover mode");
        assertRefused(call("POST", "/api/recording-servers/" + rs + "/devices",
                "{\"name\":\"Cam 2\",\"kind\":\"simulated\",\"fps\":10,\"bitrateKbps\":1000}"), 409, null, "add hardware");
        assertRefused(call("PUT", "/api/devices/" + d, deviceBody), 409, null, "storage or stream settings");
        assertRefused(call("DELETE", "/api/devices/" + d, null), 409, null, "remove or replace its hardware");
        assertRefused(call("PUT", "/api/devices/" + d + "/failover", "{\"support\":\"none\"}"), 409, null, "in failover mode");
        assertRefused(protect(rs, "{}"), 409, null, "in failover mode");
        assertThat(call("GET", "/api/devices/" + d, null).body().get("fps").asInt()).as("nothing changed").isEqualTo(10);
        assertThat(call("GET", "/api/recording-servers/" + rs + "/failover", null).body().get("coveredBy").asLong())
                .isEqualTo(c[2]);

        Reply back = call("DELETE", "/api/recording-servers/" + rs + "/cover", null);
        assertThat(back.status()).as(back.text()).isEqualTo(200);
        assertThat(back.body().get("cleared").asBoolean()).isTrue();
        Reply put = call("PUT", "/api/devices/" + d, deviceBody);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(call("PUT", "/api/recording-servers/" + rs, rsBody).status()).isEqualTo(200);
        assertThat(call("GET", "/api/recording-servers/" + rs + "/failover", null).body().get("coveredBy").isNull()).isTrue();
    }

    @Test
    void aCoverIsOneEligibleEnabledServerForOneRecordingServer() throws Exception {
        long[] c = covered();
        long rs = c[0];
        long fs = c[2];
        assertThat(call("PUT", "/api/recording-servers/" + rs + "/cover", "{\"failoverServerId\":" + fs + "}").status())
                .as("the same report again is a no-op").isEqualTo(200);
        long other = failoverServer("other.example");
        assertRefused(call("PUT", "/api/recording-servers/" + rs + "/cover", "{\"failoverServerId\":" + other + "}"),
                409, "failoverServerId", "already covered by failover server " + fs);

        long rs2 = recordingServer();
        long g2 = group();
        join(g2, other);
        protect(rs2, "{\"primaryGroupId\":" + g2 + "}");
        assertRefused(call("PUT", "/api/recording-servers/" + rs2 + "/cover", "{\"failoverServerId\":" + fs + "}"),
                409, "failoverServerId", "already covers recording server " + rs);
        long stranger = failoverServer("stranger.example");
        assertRefused(call("PUT", "/api/recording-servers/" + rs2 + "/cover", "{\"failoverServerId\":" + stranger + "}"),
                409, "failoverServerId", "nor in its primary or secondary failover group");
        call("PUT", "/api/failover-servers/" + other, "{\"name\":\"" + unique("Off") + "\",\"databaseLocation\":\"/v\","
                + "\"enabled\":false}");
        assertRefused(call("PUT", "/api/recording-servers/" + rs2 + "/cover", "{\"failoverServerId\":" + other + "}"),
                409, "failoverServerId", "disabled");
        assertRefused(call("DELETE", "/api/failover-servers/" + fs, null), 409, null, "covers recording server " + rs);
    }

    /**
     * The race the row lock closes: a device change that starts while the coordinator's cover is
     * being written (not yet committed, so invisible to it) must wait for it and then be refused,
     * not slip in after the takeover.
     */
    @Test
    void aChangeRacingACoverWaitsForItAndIsRefused() throws Exception {
        long[] c = covered();
        long rs = c[0];
        assertThat(call("DELETE", "/api/recording-servers/" + rs + "/cover", null).status()).isEqualTo(200);
        CountDownLatch coverWritten = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Object> cover = CompletableFuture.supplyAsync(() -> {
            try {
                return store.write(conn -> {
                    FailoverCovers.set(conn, rs, new FailoverInputs.Cover(c[2]));
                    coverWritten.countDown();
                    await(commit);
                    return null;
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(coverWritten.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Reply> change = CompletableFuture.supplyAsync(() -> {
                try {
                    return call("PUT", "/api/devices/" + c[1], "{\"name\":\"Cam\",\"kind\":\"simulated\",\"fps\":30,"
                            + "\"bitrateKbps\":1000}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> store.read(conn -> {
                try (var rows = conn.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE wait_event_type = 'Lock' AND query LIKE '%FOR NO KEY UPDATE%'")) {
                    rows.next();
                    return rows.getInt(1) > 0;
                }
            }));
            assertThat(change).as("the change waits for the cover's transaction").isNotDone();
            commit.countDown();
            cover.get(30, TimeUnit.SECONDS);
            assertRefused(change.get(30, TimeUnit.SECONDS), 409, null, "in failover mode");
        } finally {
            commit.countDown();
        }
        assertThat(call("GET", "/api/devices/" + c[1], null).body().get("fps").asInt()).isEqualTo(10);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the cover's transaction");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNewDatabaseLocationSentWhileCoveringIsAppliedAtHandBack() throws Exception {
        long[] c = covered();
        long fs = c[2];
        String name = call("GET", "/api/failover-servers/" + fs, null).body().get("name").asText();
        Reply put = call("PUT", "/api/failover-servers/" + fs, "{\"name\":\"" + name + "\",\"databaseLocation\":\"/new/db\"}");
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.body().get("databaseLocation").asText()).isEqualTo("/var/lib/failover");
        assertThat(put.body().get("pendingDatabaseLocation").asText()).isEqualTo("/new/db");

        assertThat(call("DELETE", "/api/recording-servers/" + c[0] + "/cover", null).status()).isEqualTo(200);
        JsonNode after = call("GET", "/api/failover-servers/" + fs, null).body();
        assertThat(after.get("databaseLocation").asText()).isEqualTo("/new/db");
        assertThat(after.get("pendingDatabaseLocation").isNull()).isTrue();
    }

    @Test
    void aViewerCannotSetACover() throws Exception {
        long[] c = covered();
        call("DELETE", "/api/recording-servers/" + c[0] + "/cover", null);
        Reply u = call("POST", "/api/users", "{\"name\":\"viewer-" + c[0] + "\",\"password\":\"viewer-password-1\","
                + "\"role\":\"viewer\"}");
        assertThat(u.status()).as(u.text()).isEqualTo(201);
        String viewer = call("POST", "/api/login", null, "{\"user\":\"viewer-" + c[0] + "\",\"password\":\"viewer-password-1\"}")
                .body().get("token").asText();
        assertRefused(call("PUT", "/api/recording-servers/" + c[0] + "/cover", viewer, "{\"failoverServerId\":" + c[2] + "}"),
                403, null, "cannot change the configuration");
        assertRefused(call("PUT", "/api/recording-servers/" + c[0] + "/cover", null, "{\"failoverServerId\":" + c[2] + "}"),
                401, null, "log in first");
    }
}
