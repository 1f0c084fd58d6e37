package io.vigil.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.security.ClusterKeys;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 5, the upgrade: a witness set up before the key split holds the cluster key. The
 * nodes' lease messages (signed with the witness key) must not verify there, and the witness
 * must say exactly what to do.
 */
class WitnessKeyUpgradeTest {

    private static final byte[] CLUSTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void aWitnessStillHoldingTheClusterKeyRefusesTheNodesAndSaysWhatToDo() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        byte[] witnessKey = ClusterKeys.of(CLUSTER_KEY).witness("site-a");
        try (WitnessServer w = WitnessServer.start(new WitnessConfig("127.0.0.1", 0, dir, 1000,
                Map.of("site-a", CLUSTER_KEY)), System::currentTimeMillis, log::add);
             DatagramSocket node = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            node.setSoTimeout(1000);
            byte[] request = LeaseCodec.encode(LeaseMessage.request("site-a", 1, 5, 1, "acquire", 3, 1000), witnessKey);
            node.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), w.port()));
            await().atMost(Duration.ofSeconds(10)).until(() -> log.stream().anyMatch(l ->
                    l.startsWith("cluster 'site-a': this witness holds the cluster's own key")
                            && l.contains("replace the key of 'site-a' in the witness configuration with the output of"
                            + " `vigil key witness` on a node")));
            assertThatThrownBy(() -> node.receive(new DatagramPacket(new byte[2048], 2048)))
                    .as("no answer: the message is refused").isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aBadMacAndAMessageOfTheOldProtocolSayWhatToDo() {
        byte[] signedWithOther = LeaseCodec.encode(LeaseMessage.request("site-a", 1, 5, 1, "acquire", 3, 1000),
                "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> LeaseCodec.decode(signedWithOther, signedWithOther.length, c -> CLUSTER_KEY))
                .hasMessageContaining("bad MAC for cluster 'site-a'")
                .hasMessageContaining("if this witness was set up before Vigil 0.1.0, replace its key for the cluster"
                        + " with the output of `vigil key witness` on a node");
        byte[] old = signedWithOther.clone();
        old[4] = '1';
        assertThatThrownBy(() -> LeaseCodec.decode(old, old.length, c -> CLUSTER_KEY))
                .isInstanceOfSatisfying(IllegalArgumentException.class,
                        e -> assertThat(LeaseCodec.category(e)).isEqualTo("version"))
                .hasMessageContaining("the sender speaks protocol 1, this node 5: it is a Vigil from before rolling"
                        + " upgrades");
    }
}
