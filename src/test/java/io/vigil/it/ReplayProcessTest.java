package io.vigil.it;

import io.vigil.core.NodeState;
import io.vigil.api.DaemonStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10 item 2 against real node processes: heartbeats node 2 sent in an earlier incarnation,
 * captured off the wire, replayed at node 1 while the cluster runs. Before the fix node 1 took the
 * recording for a restart of node 2, retired node 2's genuine incarnation and lost its peer.
 */
@Tag("processes")
class ReplayProcessTest extends ClusterProcessTest {
    private static final int CAPTURED = 5;

    @Test
    void heartbeatsOfAnEarlierIncarnationReplayedAtARunningNodeChangeNothing() throws Exception {
        List<byte[]> recorded = new ArrayList<>();
        nodes = Nodes.start(java.nio.file.Path.of("target/it/heartbeat-replay").toAbsolutePath(), s -> s,
                cluster -> recorded.addAll(captureNode2(cluster)));
        int prim = nodes.awaitPair();
        long epoch = nodes.status(1).node().epoch();
        long replayedBefore = replayed(nodes.status(1));

        int node1Port = nodes.cluster.settings().basePort();
        try (DatagramSocket attacker = new DatagramSocket()) {
            for (byte[] datagram : recorded) {
                attacker.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(),
                        node1Port));
            }
        }

        await("every replay refused").atMost(Duration.ofSeconds(10))
                .until(() -> replayed(nodes.status(1)) >= replayedBefore + CAPTURED);
        // Longer than the peer timeout (3 s): before the fix node 1 refused every real heartbeat by then.
        await("node 1 keeps hearing the genuine node 2").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> nodes.status(1).node().peerPresent());
        assertThat(nodes.status(1).node().epoch()).isEqualTo(epoch);
        assertThat(nodes.state(prim)).isEqualTo(NodeState.PRIM);
        assertThat(nodes.state(3 - prim)).isEqualTo(NodeState.SECOND);
    }

    /** Runs node 2 alone for a while and records the heartbeats it sends to node 1's port. */
    private static List<byte[]> captureNode2(io.vigil.demo.LocalCluster cluster) throws java.io.IOException {
        List<byte[]> out = new ArrayList<>();
        try (DatagramSocket node1 = new DatagramSocket(null)) {
            node1.setReuseAddress(true);
            node1.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), cluster.settings().basePort()));
            node1.setSoTimeout(30_000);
            cluster.start(2);
            while (out.size() < CAPTURED) {
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                node1.receive(p);
                out.add(Arrays.copyOf(p.getData(), p.getLength()));
            }
        } finally {
            // Also when the capture fails: the test's cleanup does not know this cluster yet.
            killQuietly(cluster);
        }
        return out;
    }

    private static void killQuietly(io.vigil.demo.LocalCluster cluster) throws java.io.IOException {
        try {
            cluster.kill(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while killing node 2");
        }
    }

    private static long replayed(DaemonStatus s) {
        return s == null ? 0 : s.rejectedHeartbeats().getOrDefault("REPLAYED", 0L);
    }
}
