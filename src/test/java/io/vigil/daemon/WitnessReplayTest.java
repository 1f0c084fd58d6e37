package io.vigil.daemon;

import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.log.RejectionSummary;
import io.vigil.witness.LeaseCodec;
import io.vigil.witness.WitnessClient;
import io.vigil.witness.LeaseMessage;
import io.vigil.witness.WitnessConfig;
import io.vigil.witness.WitnessServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 10 item 2 at a running witness: datagrams a real {@link WitnessClient} sent in an earlier
 * incarnation, captured off the wire and replayed at a real {@link WitnessServer}, change nothing,
 * and the genuine incarnation keeps its lease.
 */
class WitnessReplayTest {
    private static final String CLUSTER = "replay";
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_LEASE_MS = 3_000;

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> witnessLog = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void requestsOfAnEarlierIncarnationReplayedAtTheWitnessChangeNothing() throws Exception {
        List<byte[]> captured = captureAnEarlierIncarnation();
        WitnessServer witness = startWitness();
        WitnessClient genuine = client(1, witness.port(), IncarnationStore.next(dir.resolve("node1"), 0));
        genuine.request(new Effect.RequestLease(1, 5, true));
        await("the genuine incarnation holds the lease").atMost(Duration.ofSeconds(10))
                .until(() -> events.stream().anyMatch(e -> e instanceof Event.LeaseReply r && r.granted()));

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            attacker.setSoTimeout(5_000);
            for (byte[] datagram : captured) {
                LeaseMessage answer = exchange(attacker, datagram, witness.port());
                assertThat(answer.granted()).as("answer to a replayed request").isFalse();
                assertThat(answer.holder()).as("the replay did not free the lease").isEqualTo(1);
                assertThat(answer.reason()).contains("earlier incarnation");
            }
            LeaseMessage other = exchange(attacker, LeaseCodec.encode(
                    LeaseMessage.request(CLUSTER, 2, 1L << 60, 1, "acquire", 6, MAX_LEASE_MS), KEY), witness.port());
            assertThat(other.granted()).as("node2 cannot take a lease node1 still holds").isFalse();
            assertThat(other.reason()).contains("held by node1");
        }
        assertThat(witnessLog).as("replays are counted for the summary line, not logged one by one")
                .noneMatch(l -> l.contains("earlier incarnation"));
        events.clear();
        genuine.request(new Effect.RequestLease(2, 5, false));
        await("the genuine incarnation still renews").atMost(Duration.ofSeconds(10))
                .until(() -> events.stream().anyMatch(e -> e instanceof Event.LeaseReply r && r.granted()));
    }

    /** Node 1's first start talks to a socket that records what it sends: an acquire and a release. */
    private List<byte[]> captureAnEarlierIncarnation() throws Exception {
        List<byte[]> captured = new ArrayList<>();
        try (DatagramSocket recorder = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            recorder.setSoTimeout(5_000);
            WitnessClient first = client(1, recorder.getLocalPort(), IncarnationStore.next(dir.resolve("node1"), 0));
            first.request(new Effect.RequestLease(1, 4, true));
            first.release();
            for (int i = 0; i < 2; i++) {
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                recorder.receive(p);
                captured.add(Arrays.copyOf(p.getData(), p.getLength()));
            }
            first.close();
        }
        return captured;
    }

    private WitnessServer startWitness() throws Exception {
        AtomicLong skipped = new AtomicLong();
        WitnessServer s = WitnessServer.start(new WitnessConfig("127.0.0.1", 0, dir.resolve("witness"), MAX_LEASE_MS,
                Map.of(CLUSTER, KEY)), () -> System.currentTimeMillis() + skipped.get(), witnessLog::add);
        open.add(s);
        skipped.set(MAX_LEASE_MS); // past the quiet period after its start, so it grants at once
        return s;
    }

    private WitnessClient client(int node, int port, long incarnation) throws Exception {
        WitnessClient c = new WitnessClient(CLUSTER, node, incarnation, KEY,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000, MAX_LEASE_MS, events::add,
                line -> { }, new RejectionSummary("datagrams", 10_000));
        open.add(c);
        return c;
    }

    private static LeaseMessage exchange(DatagramSocket s, byte[] datagram, int port) throws Exception {
        s.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return LeaseCodec.decode(p.getData(), p.getLength(), c -> KEY);
    }
}
