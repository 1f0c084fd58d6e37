package io.vigil.heartbeat;

import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte path the UDP transport and the simulator share (sign, check, admit, deliver), on a
 * transport without sockets ({@link UdpHeartbeatTransport#over}); the sockets are in {@link
 * UdpHeartbeatTransportTest}.
 */
class UdpHeartbeatTransportOverTest {
    private final List<byte[]> wire = new ArrayList<>();
    private final List<Heartbeat> delivered = new ArrayList<>();
    private final List<String> rejections = new ArrayList<>();
    private final UdpHeartbeatTransport sender = transport(1);
    private final UdpHeartbeatTransport receiver = transport(2);
    private final InetAddress peer = InetAddress.getLoopbackAddress();

    private UdpHeartbeatTransport transport(int id) {
        return UdpHeartbeatTransport.over(p -> {
            wire.add(p);
            return 1;
        }, TestHeartbeats.codec(), new ReplayGuard(id)::admit, e -> delivered.add(e.heartbeat()),
                (reason, source, detail) -> rejections.add(reason + " " + detail));
    }

    @Test
    void aSentHeartbeatArrivesAsSignedBytesAndIsDeliveredOnce() {
        Heartbeat hb = TestHeartbeats.from(1, 5, 1);
        assertThat(sender.send(hb)).isEqualTo(1);
        byte[] packet = wire.get(0);
        assertThat(packet).hasSize(HeartbeatCodec.PACKET_BYTES);

        int[] authentic = {0};
        assertThat(receiver.received(packet, packet.length, peer, "net 1", () -> authentic[0]++)).isTrue();
        // The copy from another network proves that network alive, but is not delivered twice.
        assertThat(receiver.received(packet, packet.length, peer, "net 2", () -> authentic[0]++)).isTrue();
        assertThat(delivered).containsExactly(hb);
        assertThat(authentic[0]).isEqualTo(2);
    }

    @Test
    void damagedAndReplayedBytesAreRejectedCountedAndNamedWithoutReachingTheNode() {
        sender.send(TestHeartbeats.from(1, 5, 1));
        sender.send(TestHeartbeats.from(1, 5, 2));
        byte[] first = wire.get(0);
        byte[] second = wire.get(1);
        byte[] flipped = second.clone();
        flipped[20] ^= 1;
        int[] authentic = {0};
        Runnable count = () -> authentic[0]++;

        assertThat(receiver.received(flipped, flipped.length, peer, "net 1: datagram from x", count)).isFalse();
        assertThat(receiver.received(second, 10, peer, "net 1: datagram from x", count)).isFalse();
        assertThat(receiver.received(second, second.length, peer, "net 1: datagram from x", count)).isTrue();
        assertThat(receiver.received(Arrays.copyOf(first, first.length), first.length, peer,
                "net 1: datagram from x", count)).isFalse();

        assertThat(delivered).extracting(Heartbeat::seq).containsExactly(2L);
        assertThat(authentic[0]).isEqualTo(1);
        assertThat(receiver.rejectedCounts()).containsEntry(Reason.BAD_MAC, 1L)
                .containsEntry(Reason.TOO_SHORT, 1L).containsEntry(Reason.REPLAYED, 1L);
        assertThat(rejections).hasSize(3).allMatch(r -> r.contains("net 1: datagram from x rejected: "));
    }
}
