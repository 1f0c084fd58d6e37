package io.vigil.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.config.VigilConfig;
import io.vigil.core.Heartbeat;
import io.vigil.core.NodeState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import io.vigil.demo.LocalCluster;
import io.vigil.dirsync.AuthenticationException;
import io.vigil.dirsync.DirSyncClient;
import io.vigil.dirsync.SyncListener;
import io.vigil.heartbeat.HeartbeatCodec;
import io.vigil.security.ClusterKeys;
import io.vigil.witness.WitnessConfig;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 5: the witness host holds a secret, and holding it must give nothing but the
 * witness lease messages of its cluster. A real node daemon in this JVM (heartbeat port, admin
 * channel, directory replication port, all on loopback) is attacked with the key the demo's
 * witness configuration holds.
 */
class WitnessKeyTest {

    @TempDir
    Path dir;

    private NodeDaemon node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theWitnessHostsKeyCannotSignAHeartbeatAnAdminRequestOrADirsyncHandshake() throws Exception {
        int heartbeatBase = freeUdpPair();
        int admin = freeTcp();
        int replication = freeTcp();
        LocalCluster cluster = LocalCluster.create(LocalCluster.Settings.defaults(dir.resolve("c"))
                .withPorts(heartbeatBase, admin, freeTcp()).withWitness(freeUdpPair()).withTimings(200, 1000));
        Files.createDirectories(dir.resolve("shared"));
        Files.writeString(cluster.config(1), "replication:\n  port: " + replication + "\n  peerPort: " + freeTcp()
                + "\n  directories:\n    - " + dir.resolve("shared") + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        node = NodeDaemon.start(VigilConfig.load(cluster.config(1)));
        byte[] witnessKey = WitnessConfig.load(cluster.witnessConfig()).keys().get("demo");
        assertThat(witnessKey).isNotNull();

        // Heartbeat: right cluster, right framing, signed with the witness key -> refused for its MAC.
        byte[] forged = new HeartbeatCodec("demo", witnessKey).encode(new Heartbeat(2, System.currentTimeMillis(), 1,
                -1, 0, NodeState.PRIM, ServicesPhase.RUNNING, 1000, 99, 99, SyncStatus.UPTODATE, 0, false, false, true,
                0, 0));
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(forged, forged.length, new InetSocketAddress("127.0.0.1", heartbeatBase)));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(node.status().rejectedHeartbeats().getOrDefault("BAD_MAC", 0L)).isPositive());
        assertThat(node.status().node().peerPresent()).isFalse();

        // Admin channel (issue 12): no key of any kind opens it any more, only a node certificate of
        // the cluster CA (AdminServerTest has the refusals); the peer's certificate is accepted.
        assertThat(cluster.adminAsPeer(1).status().clusterName()).isEqualTo("demo");
        ClusterKeys keys = ClusterKeys.of(cluster.key());

        // Directory replication (TLS of the cluster CA since issue 12): the handshake fails with a
        // certificate of another CA; with the peer's it passes and the node (not PRIM) refuses to
        // serve, a different failure. No key of ClusterKeys opens it.
        Path into = Files.createDirectories(dir.resolve("into"));
        io.vigil.pki.ClusterTls.provisionLocal("other", java.util.List.of(), dir.resolve("stranger"));
        assertThatThrownBy(() -> new DirSyncClient("127.0.0.1", replication,
                io.vigil.pki.ClusterTls.load(dir.resolve("stranger")), 5000)
                .pull("shared", into, SyncListener.NONE)).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> new DirSyncClient("127.0.0.1", replication,
                io.vigil.pki.ClusterTls.load(cluster.dataDir(2)), 5000)
                .pull("shared", into, SyncListener.NONE)).isInstanceOf(IOException.class)
                .isNotInstanceOf(AuthenticationException.class);

        // And it is the witness's own key: what the nodes sign lease messages with.
        assertThat(witnessKey).isEqualTo(keys.witness("demo")).isNotEqualTo(cluster.key());
    }

    static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = 40000 + new SecureRandom().nextInt(10000);
            try (DatagramSocket a = new DatagramSocket(p); DatagramSocket b = new DatagramSocket(p + 1)) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free UDP port pair found");
    }
}
