package io.vigil.vms.logs;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.vms.management.VmsFixture;
import io.vigil.vms.management.VmsFixture.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** The log server on a real PostgreSQL: system log records in, searched by time, user, level and text; audit log. */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogServerTest {
    private VmsFixture vms;
    private LogServer logs;
    private String reporter;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        vms = new VmsFixture("logs");
        logs = LogServer.start(vms.store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
        reporter = vms.user("rec-reporter", "reporter");
        admin = vms.login("admin", VmsFixture.ADMIN_PASSWORD);
        Reply r = VmsFixture.call(logs.port(), "POST", "/api/logs", reporter, "["
                + "{\"at\":\"2026-12-07T10:00:00Z\",\"source\":\"rec1\",\"level\":\"info\",\"message\":\"recording started\"},"
                + "{\"at\":\"2026-12-07T11:00:00Z\",\"source\":\"mgmt\",\"level\":\"warning\",\"user\":\"alice\","
                + "\"message\":\"camera 7 removed\"},"
                + "{\"at\":\"2026-12-07T12:00:00Z\",\"source\":\"rec1\",\"level\":\"error\",\"message\":\"disk full on /srv\"}]");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    @AfterAll
    void stop() throws Exception {
        logs.close();
        vms.close();
    }

    private JsonNode search(String query) throws Exception {
        Reply r = VmsFixture.call(logs.port(), "GET", "/api/logs?" + query, admin, null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    @Test
    void recordsAreSearchedByTimeUserLevelAndText() throws Exception {
        assertThat(search("from=2026-12-07T10:30:00Z&to=2026-12-07T12:30:00Z")).hasSize(2);
        assertThat(search("user=alice").get(0).get("message").asText()).isEqualTo("camera 7 removed");
        assertThat(search("level=error").get(0).get("message").asText()).contains("disk full");
        assertThat(search("q=recording%20started&source=rec1")).hasSize(1);
        assertThat(search("q=%25")).as("text is matched literally, no pattern syntax").isEmpty();
        assertThat(search("").get(0).get("at").asText()).as("newest first").isEqualTo("2026-12-07T12:00:00Z");
    }

    @Test
    void theAuditLogIsSearchableByUser() throws Exception {
        Reply r = VmsFixture.call(logs.port(), "GET", "/api/logs/audit?user=admin", admin, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().findValuesAsText("entityId")).as("the fixture created user rec-reporter").contains("rec-reporter");
    }

    @Test
    void refusals() throws Exception {
        Reply badLevel = VmsFixture.call(logs.port(), "POST", "/api/logs", reporter,
                "{\"at\":\"2026-12-07T10:00:00Z\",\"source\":\"x\",\"level\":\"loud\",\"message\":\"m\"}");
        assertThat(badLevel.status()).isEqualTo(400);
        assertThat(badLevel.body().get("field").asText()).isEqualTo("level");
        assertThat(VmsFixture.call(logs.port(), "GET", "/api/logs?from=noon", admin, null).body().get("field").asText())
                .isEqualTo("from");
        assertThat(VmsFixture.call(logs.port(), "GET", "/api/logs", reporter, null).status())
                .as("reading the logs needs an administrator").isEqualTo(403);
        assertThat(VmsFixture.call(logs.port(), "GET", "/api/logs", null, null).status()).isEqualTo(401);
        assertThat(search("source=x")).as("nothing of the refused record was stored").isEmpty();
    }
}
