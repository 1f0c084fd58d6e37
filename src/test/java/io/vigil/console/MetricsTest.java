package io.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.admin.FakeNode;
import io.vigil.core.Colour;
import io.vigil.core.NodeState;
import io.vigil.daemon.DaemonStatus;
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
        String text = Metrics.render(new ClusterView.Snapshot("demo", 2, null, true, List.of(node2)), 0);

        assertThat(text).contains("# HELP vigil_resync_percent")
                .contains("vigil_resync_percent{node=\"node2\",target=\"database\"} 25")
                .contains("vigil_resync_percent{node=\"node2\",target=\"directory:certs\"} 40");
    }
}
