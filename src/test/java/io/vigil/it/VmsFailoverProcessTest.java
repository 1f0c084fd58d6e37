package io.vigil.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.core.NodeState;
import io.vigil.demo.LocalRecorder;
import io.vigil.vms.management.ManagementApi;
import io.vigil.vms.recording.Frame;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reference VMS as the cluster's resources (issue 13), two real nodes with their PostgreSQL
 * on loopback: what a site relies on when the PRIM dies. One cluster start serves every claim, so
 * the test stays within a minute: configuration written through the cluster address is read back
 * on the new PRIM with the same session; the failover reaches the event server once; the audit log
 * names who changed what; a recording server outside the cluster records on without a gap.
 */
@Tag("processes")
@Tag("postgres")
class VmsFailoverProcessTest extends ClusterProcessTest {

    @Test
    void theVmsSurvivesKillOfThePrimWithItsConfigurationEventsAuditAndRecording(TestInfo info) throws Exception {
        io.vigil.replication.PgAvailability.require();
        int dbPort = Nodes.freeTcp();
        Nodes n = start(info, s -> s.withTimings(200, 1000).withMaxFailovers(10).withDatabase(dbPort).withVms());
        int prim = n.awaitPair(420); // initdb, the copy to the SECOND, three servers' first start
        int other = 3 - prim;
        await("node" + other + "'s database up to date").atMost(Duration.ofSeconds(60))
                .until(() -> n.status(other).node().sync() == io.vigil.core.SyncStatus.UPTODATE);
        ManagementApi admin = await("the management server answers at " + n.cluster.managementUrl())
                .atMost(Duration.ofSeconds(60)).ignoreExceptions().until(n.cluster::management, a -> true);
        assertThat(admin.servedBy()).isEqualTo("node" + prim);

        try (LocalRecorder rec = LocalRecorder.provision(admin, n.cluster.settings().dir().resolve("rec1"), "rec1",
                1, 25, 64)) {
            rec.start();
            long cam = rec.devices().get(0);
            await("rec1 records").atMost(Duration.ofSeconds(60)).until(() -> rec.stored(cam) >= 25);

            ManagementApi.expect(admin.putService("archive", "10.0.0.10", 7563), 200, "PUT /api/services/archive");
            long killedAt = System.currentTimeMillis();
            n.cluster.kill(prim);
            n.awaitState(other, NodeState.ALONE, 30);

            JsonNode archive = await("the configuration read through the cluster address on node" + other)
                    .atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin.service("archive"), s -> s != null);
            assertThat(archive.get("address").asText()).isEqualTo("10.0.0.10");
            assertThat(archive.get("port").asInt()).isEqualTo(7563);
            assertThat(admin.servedBy()).as("the answer came from the new PRIM").isEqualTo("node" + other);

            assertFailoverEventOnce(admin.at(n.cluster.eventsUrl()), other);
            assertAudited(admin);
            assertRecordedThrough(rec, cam, killedAt);
        }
    }

    /** The new PRIM's failover is stored once, even though it was raised while the event server was down. */
    private static void assertFailoverEventOnce(ManagementApi events, int node) throws Exception {
        await("node" + node + "'s failover event at the event server").atMost(Duration.ofSeconds(30))
                .ignoreExceptions().until(() -> failovers(events, node).size() == 1);
        // The notifier delivers the state change raised after the failover too: once that is in,
        // every retry of the failover's batch is over, and a duplicate would be visible now.
        await("node" + node + "'s later state change").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> list(events, "state-changed").stream().anyMatch(e -> e.path("source").asText()
                        .equals("node" + node) && e.path("data").path("to").asText().equals("ALONE")));
        assertThat(failovers(events, node)).hasSize(1);
    }

    private static List<JsonNode> failovers(ManagementApi events, int node) throws Exception {
        return list(events, "failover").stream().filter(e -> e.path("source").asText().equals("node" + node)).toList();
    }

    private static List<JsonNode> list(ManagementApi events, String type) throws Exception {
        JsonNode all = ManagementApi.expect(events.get("/api/events?type=" + type + "&limit=1000"), 200,
                "GET /api/events").body();
        List<JsonNode> out = new ArrayList<>();
        all.forEach(out::add);
        return out;
    }

    /** The audit log names the administrator, the action and the object, read on the new PRIM. */
    private static void assertAudited(ManagementApi admin) throws Exception {
        JsonNode audit = ManagementApi.expect(admin.get("/api/audit?user=admin"), 200, "GET /api/audit").body();
        List<String> rows = new ArrayList<>();
        audit.forEach(a -> rows.add(a.path("user").asText() + " " + a.path("action").asText() + " "
                + a.path("entity").asText() + " " + a.path("entityId").asText()));
        assertThat(rows).as("audit rows of admin").contains("admin register service archive",
                "admin create user rec1");
    }

    /**
     * The recording server never stopped: the frames captured around the failover (from a second
     * before the kill to well after the new PRIM serves) have contiguous sequence numbers.
     */
    private static void assertRecordedThrough(LocalRecorder rec, long cam, long killedAt) throws Exception {
        long servedAt = System.currentTimeMillis();
        long target = rec.stored(cam) + 50; // two more seconds at 25 frames/s
        await("rec1 records after the failover").atMost(Duration.ofSeconds(30)).until(() -> rec.stored(cam) >= target);
        List<Frame> frames = rec.playback(cam, killedAt - 1000, servedAt + 1000);
        assertThat(frames.size()).as("frames around the failover").isGreaterThan(25);
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).sequence()).as("frame %d of %d", i, frames.size())
                    .isEqualTo(frames.get(i - 1).sequence() + 1);
        }
        assertThat(frames.get(0).captureMillis()).isLessThanOrEqualTo(killedAt);
        assertThat(frames.get(frames.size() - 1).captureMillis()).isGreaterThanOrEqualTo(servedAt);
    }
}
