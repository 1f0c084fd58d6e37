package io.vigil.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.config.EventsSection;
import io.vigil.core.Effect;
import io.vigil.core.NodeState;
import io.vigil.vms.events.EventServer;
import io.vigil.vms.management.VmsFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node's notifier against the real event server and management server on a real PostgreSQL:
 * events reach the VMS, an event raised while the event server is away is delivered after it
 * returns, once, and undelivered events survive a restart of the node.
 */
@Tag("postgres")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotifierTest {
    @TempDir
    Path tmp;
    private VmsFixture vms;
    private String admin;

    @BeforeAll
    void start() throws Exception {
        vms = new VmsFixture("notify");
        vms.user("vigil-node", "reporter");
        admin = vms.login("admin", VmsFixture.ADMIN_PASSWORD);
    }

    @AfterAll
    void stop() throws Exception {
        vms.close();
    }

    private EventsSection config(int eventPort, String password) throws Exception {
        Path file = tmp.resolve("events-" + eventPort + ".password");
        Files.writeString(file, password + "\n");
        return new EventsSection(URI.create("http://127.0.0.1:" + eventPort),
                URI.create("http://127.0.0.1:" + vms.management.port()), "vigil-node", file);
    }

    private JsonNode eventsOf(int port, String source) throws Exception {
        return VmsFixture.call(port, "GET", "/api/events?source=" + source, admin, null).body();
    }

    private static Effect.StateChanged change(NodeState from, NodeState to, long epoch) {
        return new Effect.StateChanged(from, to, "test", epoch);
    }

    @Test
    void stateChangesFailoversAndAlarmsReachTheEventServerAndNothingElseDoes() throws Exception {
        try (EventServer events = EventServer.start(vms.store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
             Notifier n = Notifier.start(config(events.port(), "vigil-node-password-1"), "nodeA",
                     tmp.resolve("a/outbox.jsonl"), Clock.systemUTC(), line -> { })) {
            n.offer(change(NodeState.SECOND, NodeState.PRIM, 4));
            n.offer(new Effect.FailoverPerformed("peer silent", 1500));
            n.offer(new Effect.Alarm("SPLIT_BRAIN", "both nodes were PRIM"));
            n.offer(new Effect.ReleaseLease());
            await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(events.port(), "nodeA").size() == 3);
            JsonNode list = eventsOf(events.port(), "nodeA");
            assertThat(list.findValuesAsText("type")).containsExactly("state-changed", "failover", "alarm");
            assertThat(list.get(0).get("data").get("to").asText()).isEqualTo("PRIM");
            assertThat(list.get(0).get("data").get("epoch").asLong()).isEqualTo(4);
            assertThat(list.get(2).get("severity").asText()).isEqualTo("alarm");
            await().atMost(Duration.ofSeconds(5)).until(() -> n.pending() == 0);
        }
    }

    @Test
    void anEventRaisedWhileTheEventServerIsAwayIsDeliveredAfterItOnce() throws Exception {
        int port;
        List<String> log = new CopyOnWriteArrayList<>();
        try (EventServer first = EventServer.start(vms.store, Clock.systemUTC(), "node1", "127.0.0.1", 0)) {
            port = first.port();
        }
        // The event server is failing over: nothing listens on its address.
        try (Notifier n = Notifier.start(config(port, "vigil-node-password-1"), "nodeB",
                tmp.resolve("b/outbox.jsonl"), Clock.systemUTC(), log::add)) {
            n.offer(change(NodeState.PRIM, NodeState.WAIT, 7));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.stream().anyMatch(l -> l.contains("cannot reach")));
            assertThat(n.pending()).isEqualTo(1);
            try (EventServer next = EventServer.start(vms.store, Clock.systemUTC(), "node2", "127.0.0.1", port)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> n.pending() == 0);
                assertThat(eventsOf(next.port(), "nodeB")).hasSize(1);
                assertThat(log).anyMatch(l -> l.contains("reachable again"));
            }
        }
    }

    @Test
    void undeliveredEventsSurviveARestartOfTheNode() throws Exception {
        Path outbox = tmp.resolve("c/outbox.jsonl");
        int port;
        try (EventServer probe = EventServer.start(vms.store, Clock.systemUTC(), "node1", "127.0.0.1", 0)) {
            port = probe.port();
        }
        try (Notifier n = Notifier.start(config(port, "vigil-node-password-1"), "nodeC", outbox, Clock.systemUTC(),
                line -> { })) {
            n.offer(change(NodeState.SECOND, NodeState.PRIM, 9));
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(outbox) && Files.size(outbox) > 0);
        }
        assertThat(Files.readString(outbox)).contains("\"epoch\":9");
        List<String> log = new CopyOnWriteArrayList<>();
        try (EventServer events = EventServer.start(vms.store, Clock.systemUTC(), "node1", "127.0.0.1", port);
             Notifier again = Notifier.start(config(port, "vigil-node-password-1"), "nodeC", outbox, Clock.systemUTC(),
                     log::add)) {
            assertThat(log).anyMatch(l -> l.contains("1 event(s) from before the restart"));
            await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(events.port(), "nodeC").size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> again.pending() == 0);
        }
    }

    @Test
    void aWrongPasswordIsReportedOnceWithWhatToCheck() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (EventServer events = EventServer.start(vms.store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
             Notifier n = Notifier.start(config(events.port(), "not-the-password"), "nodeD",
                     tmp.resolve("d/outbox.jsonl"), Clock.systemUTC(), log::add)) {
            n.offer(change(NodeState.SECOND, NodeState.PRIM, 1));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.stream().anyMatch(l -> l.contains("cannot log in")));
            assertThat(log).anyMatch(l -> l.contains("check events.user and events.passwordFile"));
            assertThat(String.join("\n", log)).doesNotContain("not-the-password");
            assertThat(n.pending()).isEqualTo(1);
        }
    }
}
