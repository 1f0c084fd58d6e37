package io.vigil.heartbeat;

import static io.vigil.heartbeat.TestHeartbeats.from;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatNetworks.Network;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real UDP on the loopback interface; 127.0.0.2 stands in for a second network. */
class UdpHeartbeatTransportTest {
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final List<String> LOOPBACKS = List.of("127.0.0.1", "127.0.0.2");

    private final HeartbeatCodec codec = TestHeartbeats.codec();
    private final List<UdpHeartbeatTransport> open = new ArrayList<>();
    private final Queue<Heartbeat> atNode1 = new ConcurrentLinkedQueue<>();
    private final Queue<Heartbeat> atNode2 = new ConcurrentLinkedQueue<>();
    private final Queue<String> rejectionsAtNode1 = new ConcurrentLinkedQueue<>();

    @AfterEach
    void closeAll() {
        open.forEach(UdpHeartbeatTransport::close);
    }

    @Test
    void heartbeatsFlowBothWays() throws Exception {
        int base = freePortPair(1);
        UdpHeartbeatTransport node1 = start(1, base, 1, atNode1);
        UdpHeartbeatTransport node2 = start(2, base, 1, atNode2);

        assertThat(node1.send(from(1, 11, 1))).isEqualTo(1);
        assertThat(node2.send(from(2, 22, 1))).isEqualTo(1);

        await().atMost(AWAIT).until(() -> atNode2.contains(from(1, 11, 1)));
        await().atMost(AWAIT).until(() -> atNode1.contains(from(2, 22, 1)));
        assertThat(node1.networks().get(0).lastReceivedNanos()).isPresent();
        assertThat(node1.rejectedCounts().values()).containsOnly(0L);
    }

    @Test
    void forgedDatagramsAreCountedAndValidHeartbeatsStillArrive() throws Exception {
        int base = freePortPair(1);
        UdpHeartbeatTransport node1 = start(1, base, 1, atNode1);
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", base);
        byte[] first = codec.encode(from(2, 22, 1));
        byte[] second = codec.encode(from(2, 22, 2));
        byte[] junk = new byte[200];
        new Random(7).nextBytes(junk);
        byte[] flipped = second.clone();
        flipped[60] ^= 1;

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            // An authentic packet, whoever sends it, is accepted; this sets up the replay below.
            sendRaw(attacker, target, first);
            sendRaw(attacker, target, second);
            await().atMost(AWAIT).until(() -> atNode1.size() == 2);

            sendRaw(attacker, target, junk);
            sendRaw(attacker, target, Arrays.copyOf(second, 3));
            sendRaw(attacker, target, Arrays.copyOf(second, 50));
            sendRaw(attacker, target, flipped);
            sendRaw(attacker, target, new HeartbeatCodec("other", TestHeartbeats.KEY)
                    .encode(from(2, 22, 3)));
            sendRaw(attacker, target, new HeartbeatCodec(TestHeartbeats.CLUSTER,
                    "0000000000000000".getBytes(StandardCharsets.UTF_8)).encode(from(2, 22, 3)));
            sendRaw(attacker, target, first);
            sendRaw(attacker, target, codec.encode(from(1, 11, 1)));
        }

        await().atMost(AWAIT).until(() -> node1.rejectedCounts().values().stream()
                .mapToLong(Long::longValue).sum() == 8);
        assertThat(node1.rejectedCounts()).isEqualTo(Map.of(
                Reason.TOO_SHORT, 2L, Reason.BAD_MAGIC, 1L, Reason.BAD_VERSION, 0L,
                Reason.WRONG_CLUSTER, 1L, Reason.BAD_MAC, 2L, Reason.MALFORMED, 0L,
                Reason.REPLAYED, 1L, Reason.WRONG_SENDER, 1L));
        assertThat(rejectionsAtNode1).hasSize(8)
                .anySatisfy(m -> assertThat(m).contains("REPLAYED").contains("127.0.0.1"));

        UdpHeartbeatTransport node2 = start(2, base, 1, atNode2);
        node2.send(from(2, 22, 3));
        await().atMost(AWAIT).until(() -> atNode1.contains(from(2, 22, 3)));
        assertThat(atNode1).hasSize(3);
    }

    @Test
    void heartbeatsArriveOnEveryNetworkButAreDeliveredOnce() throws Exception {
        int base = freePortPair(2);
        UdpHeartbeatTransport node1 = start(1, base, 2, atNode1);
        UdpHeartbeatTransport node2 = start(2, base, 2, atNode2);

        assertThat(node2.send(from(2, 22, 1))).isEqualTo(2);

        await().atMost(AWAIT).until(() -> node1.networks().stream()
                .allMatch(n -> n.lastReceivedNanos().isPresent()));
        assertThat(atNode1).containsExactly(from(2, 22, 1));
        assertThat(node1.rejectedCounts().values()).containsOnly(0L);
        assertThat(node1.networks()).extracting(NetworkStatus::lastSendError)
                .allMatch(e -> e.isEmpty());
        assertThat(node2.networks()).noneMatch(n -> n.lastReceivedNanos().isPresent());
    }

    @Test
    void aPortInUseFailsWithAMessageSayingWhereAndWhatToDo() throws Exception {
        int base = freePortPair(1);
        try (DatagramSocket squatter = new DatagramSocket(
                new InetSocketAddress("127.0.0.1", base))) {
            assertThatThrownBy(() -> start(1, base, 1, atNode1))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + base)
                    .hasMessageContaining("ss -ulpn")
                    .hasMessageContaining("basePort");
        }
    }

    @Test
    void closeStopsTheReceiverThreadsAndFreesThePorts() throws Exception {
        int base = freePortPair(2);
        UdpHeartbeatTransport node1 = start(1, base, 2, atNode1);
        node1.close();
        assertThat(Thread.getAllStackTraces().keySet()).map(Thread::getName)
                .noneMatch(n -> n.startsWith("vigil-heartbeat-rx") && n.endsWith(":" + base));
        assertThat(node1.send(from(1, 1, 1))).isZero();
        start(1, base, 2, atNode1);
    }

    private UdpHeartbeatTransport start(int id, int base, int networks, Queue<Heartbeat> inbox)
            throws IOException {
        List<Network> nets = LOOPBACKS.subList(0, networks).stream()
                .map(a -> new Network(a, a)).toList();
        UdpHeartbeatTransport t = UdpHeartbeatTransport.open(
                new HeartbeatNetworks(id, base, nets), codec, e -> inbox.add(e.heartbeat()),
                (reason, source, message) -> {
                    if (id == 1) {
                        rejectionsAtNode1.add(message);
                    }
                });
        open.add(t);
        return t;
    }

    private static void sendRaw(DatagramSocket s, InetSocketAddress to, byte[] data)
            throws IOException {
        s.send(new DatagramPacket(data, data.length, to));
    }

    /** A base port such that base and base+1 are free on the first {@code networks} loopbacks. */
    private static int freePortPair(int networks) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
                base = probe.getLocalPort();
            }
            if (base < 65535 && allFree(base, networks)) {
                return base;
            }
        }
        throw new IOException("no free UDP port pair found on the loopback addresses");
    }

    private static boolean allFree(int base, int networks) {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (String address : LOOPBACKS.subList(0, networks)) {
                held.add(new DatagramSocket(new InetSocketAddress(address, base)));
                held.add(new DatagramSocket(new InetSocketAddress(address, base + 1)));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }
}
