package io.vigil.vms.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.vms.management.Json;
import io.vigil.vms.management.VmsFixture;
import io.vigil.vms.management.VmsFixture.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The event server on a real PostgreSQL: once-only storage, followers that resume across a failover, refusals. */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventServerTest {
    private VmsFixture vms;
    private EventServer events;
    private String reporter;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        vms = new VmsFixture("events");
        events = EventServer.start(vms.store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
        reporter = vms.user("node-reporter", "reporter");
        admin = vms.login("admin", VmsFixture.ADMIN_PASSWORD);
    }

    @AfterAll
    void stop() throws Exception {
        events.close();
        vms.close();
    }

    private static String event(String id, String type, String severity) {
        return "{\"eventId\":\"" + id + "\",\"at\":\"2026-12-07T14:00:00Z\",\"source\":\"node1\",\"type\":\"" + type
                + "\",\"severity\":\"" + severity + "\",\"message\":\"m " + id + "\",\"data\":{\"epoch\":3}}";
    }

    private Reply post(int port, String token, String body) throws Exception {
        return VmsFixture.call(port, "POST", "/api/events", token, body);
    }

    @Test
    void anEventSentTwiceIsStoredOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        String type = "failover-" + id.substring(0, 6);
        assertThat(post(events.port(), reporter, event(id, type, "alarm")).body().get("stored").asInt()).isEqualTo(1);
        Reply again = post(events.port(), reporter, event(id, type, "alarm"));
        assertThat(again.body().get("duplicates").asInt()).isEqualTo(1);
        JsonNode list = VmsFixture.call(events.port(), "GET", "/api/events?type=" + type, admin, null).body();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("data").get("epoch").asInt()).isEqualTo(3);
        assertThat(list.get(0).get("severity").asText()).isEqualTo("alarm");
    }

    @Test
    void badEventsAreRefusedWholeWithTheFieldNamed() throws Exception {
        String type = "refused-" + UUID.randomUUID().toString().substring(0, 6);
        Reply r = post(events.port(), reporter, "[" + event("r1-" + type, type, "info") + ","
                + event("r2-" + type, type, "catastrophic") + "]");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("field").asText()).isEqualTo("events[1].severity");
        assertThat(VmsFixture.call(events.port(), "GET", "/api/events?type=" + type, admin, null).body())
                .as("the good event of a refused batch is not stored either").isEmpty();
        Reply unknown = post(events.port(), reporter, "{\"eventId\":\"x\",\"colour\":\"red\"}");
        assertThat(unknown.body().get("field").asText()).isEqualTo("colour");
        Reply badTime = post(events.port(), reporter, event("t-" + type, type, "info").replace("2026-12-07T14:00:00Z", "yesterday"));
        assertThat(badTime.body().get("field").asText()).isEqualTo("at");
        assertThat(post(events.port(), null, event("n-" + type, type, "info")).status()).isEqualTo(401);
        String viewer = vms.user("events-viewer", "viewer");
        assertThat(post(events.port(), viewer, event("v-" + type, type, "info")).status()).isEqualTo(403);
    }

    /** Lines of one SSE connection, read on a background thread. */
    private BlockingQueue<String> follow(int port, String token, String lastEventId, String type, List<Runnable> closers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/events/stream?type=" + type)).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        } else {
            b.uri(URI.create(b.build().uri() + "&after=0"));
        }
        HttpResponse<Stream<String>> r = VmsFixture.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try {
                r.body().forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("closed");
            }
        });
        t.setDaemon(true);
        t.start();
        closers.add(() -> r.body().close());
        return lines;
    }

    /** Reads SSE frames until {@code n} events arrived: their (id, eventId). */
    private static List<long[]> read(BlockingQueue<String> lines, int n, List<String> eventIds) throws Exception {
        List<long[]> ids = new ArrayList<>();
        long currentId = -1;
        while (ids.size() < n) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("an event within 10 s (got %d of %d)", ids.size(), n).isNotNull();
            if (line.startsWith("id:")) {
                currentId = Long.parseLong(line.substring(3).strip());
            } else if (line.startsWith("data:")) {
                JsonNode e = Json.MAPPER.readTree(line.substring(5).strip());
                eventIds.add(e.get("eventId").asText());
                ids.add(new long[] {currentId});
            }
        }
        return ids;
    }

    @Test
    void aFollowerThatReconnectsToTheNextServerMissesNothingAndSeesNothingTwice() throws Exception {
        String type = "follow-" + UUID.randomUUID().toString().substring(0, 6);
        List<Runnable> closers = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        BlockingQueue<String> first = follow(events.port(), reporter, null, type, closers);
        for (int i = 0; i < 3; i++) {
            post(events.port(), reporter, event(type + "-" + i, type, "info"));
        }
        List<long[]> got = read(first, 3, seen);
        closers.forEach(Runnable::run);

        // The event server "fails over": another copy on the same (replicated) database. Events raised
        // meanwhile are sent again by their sender after the failover, one of them twice.
        try (EventServer next = EventServer.start(vms.store, Clock.systemUTC(), "node2", "127.0.0.1", 0)) {
            for (int i = 3; i < 6; i++) {
                post(next.port(), reporter, event(type + "-" + i, type, "info"));
            }
            post(next.port(), reporter, event(type + "-4", type, "info"));
            BlockingQueue<String> second = follow(next.port(), reporter, Long.toString(got.get(2)[0]), type, closers);
            read(second, 3, seen);
            await().atMost(Duration.ofSeconds(2)).pollDelay(Duration.ofMillis(3 * EventServer.POLL_MS))
                    .until(() -> true);
            assertThat(second.stream().filter(l -> l.startsWith("data:"))).as("no duplicate after the last").isEmpty();
            closers.forEach(Runnable::run);
        }
        assertThat(seen).containsExactly(type + "-0", type + "-1", type + "-2", type + "-3", type + "-4", type + "-5");
    }
}
