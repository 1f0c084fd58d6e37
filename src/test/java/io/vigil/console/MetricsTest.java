package io.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.admin.FakeNode;
import io.vigil.core.Colour;
import io.vigil.core.NodeState;
import io.vigil.api.DaemonStatus;
import io.vigil.replication.DatabaseNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus text: resync progress of the database and of each replicated directory. */
class MetricsTest {

    @Test
    void aResyncInProgressIsExportedPerTarget() {
        DaemonStatus s = FakeNode.status(2, NodeState.SECOND, Colour.GREEN, true);
        DaemonStatus resyncing = new DaemonStatus(s.node(), s.hostName(), s.peerHostName(), s.clusterName(), s.version(),
                s.uptimeMs(), s.resources(), s.networks(), s.rejectedHeartbeats(), s.database(), s.directories(),
                new DatabaseNode.Progress("rewind", 250, 1000, 3000));
        ClusterView.NodeView node2 = new ClusterView.NodeView(2, "node2", true, true, null, resyncing, Map.of());
        String text = Metrics.render(new ClusterView.Snapshot("demo", 2, null, true, List.of(node2)),
                new Metrics.ConsoleStats(0, 0, 0, 0, 0, 0, 0));

        assertThat(text).contains("# HELP vigil_resync_progress_ratio")
                .contains("vigil_resync_progress_ratio{node=\"node2\",target=\"database\"} 0.25")
                .contains("vigil_resync_progress_ratio{node=\"node2\",target=\"directory:certs\"} 0.4")
                .doesNotContain("_percent");
    }

    @Test
    void prometheusConventionsNoMinusOneForNeverABuildInfoAndTheProcessStartTime() {
        // Issue 10 item 8: -1 meant "never heard", which a rate() or max() silently mixes with real ages.
        DaemonStatus f = FakeNode.status(2, NodeState.SECOND, Colour.GREEN, true);
        List<DaemonStatus.NetworkLink> links = List.of(f.networks().get(0),
                new DaemonStatus.NetworkLink("10.0.1.2", "10.0.1.1", -1, null));
        DaemonStatus s = new DaemonStatus(f.node(), f.hostName(), f.peerHostName(), f.clusterName(), f.version(),
                f.uptimeMs(), f.resources(), links, f.rejectedHeartbeats(), f.database(), f.directories(), null);
        ClusterView.NodeView node2 = new ClusterView.NodeView(2, "node2", true, true, null, s, Map.of());
        String text = Metrics.render(new ClusterView.Snapshot("demo", 2, null, true, List.of(node2)),
                new Metrics.ConsoleStats(1, 2, 3, 4, 5, 6, 7));

        assertThat(text).doesNotContain(" -1\n")
                .contains("vigil_build_info{node=\"node2\",version=\"" + s.version() + "\"} 1")
                .containsPattern("(?m)^process_start_time_seconds \\d{10}$")
                .contains("vigil_console_password_checks_total 3")
                .contains("vigil_console_logins_refused_total{reason=\"rate-limited\"} 4")
                .contains("vigil_console_logins_refused_total{reason=\"busy\"} 5")
                .contains("vigil_console_slow_clients_closed_total 6")
                .contains("vigil_console_connections_refused_total 7");
        assertThat(text).contains("vigil_heartbeat_heard{node=\"node2\",network=\"10.0.1.2->10.0.1.1\"} 0");
        for (DaemonStatus.NetworkLink l : s.networks()) {
            String labels = Metrics.labels("node", "node2", "network", l.local() + "->" + l.peer());
            if (l.lastHeardMsAgo() < 0) {
                assertThat(text).contains("vigil_heartbeat_heard" + labels + " 0")
                        .doesNotContain("vigil_heartbeat_last_heard_seconds" + labels);
            } else {
                assertThat(text).contains("vigil_heartbeat_heard" + labels + " 1");
            }
        }
    }
}
