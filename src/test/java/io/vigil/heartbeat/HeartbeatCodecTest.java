package io.vigil.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HeartbeatCodecTest {
    private static final long SEED = 20240611L;
    private final HeartbeatCodec codec = TestHeartbeats.codec();

    @Test
    void randomHeartbeatsSurviveTheRoundTrip() throws Exception {
        Random r = new Random(SEED);
        for (int i = 0; i < 10_000; i++) {
            Heartbeat hb = TestHeartbeats.random(r);
            byte[] packet = codec.encode(hb);
            assertThat(packet).hasSize(HeartbeatCodec.PACKET_BYTES);
            assertThat(codec.decode(packet, packet.length)).as("seed %d #%d", SEED, i).isEqualTo(hb);
        }
    }

    @Test
    void decodesFromALargerReceiveBuffer() throws Exception {
        Heartbeat hb = TestHeartbeats.from(2, 7, 8);
        byte[] buf = Arrays.copyOf(codec.encode(hb), 2048);
        assertThat(codec.decode(buf, HeartbeatCodec.PACKET_BYTES)).isEqualTo(hb);
    }

    @Test
    void everySingleBitFlipIsRejectedForTheRegionItHits() {
        byte[] packet = codec.encode(TestHeartbeats.random(new Random(SEED)));
        for (int bit = 0; bit < packet.length * 8; bit++) {
            byte[] flipped = packet.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(reasonOf(flipped, flipped.length)).as("bit %d", bit)
                    .isEqualTo(expectedReasonForFlipAt(bit / 8));
        }
    }

    private static Reason expectedReasonForFlipAt(int offset) {
        if (offset < 4) {
            return Reason.BAD_MAGIC;
        }
        if (offset == 4) {
            return Reason.BAD_VERSION;
        }
        return offset < HeartbeatCodec.HEADER_BYTES ? Reason.WRONG_CLUSTER : Reason.BAD_MAC;
    }

    /**
     * Issue 10 item 5 and issue 15: a node of a Vigil from before protocol windows (heartbeat
     * version 1, signed with the cluster key itself, or 2) gets one clear line, not a stream of
     * bad-MAC rejections.
     */
    @Test
    void aHeartbeatOfAVigilBeforeProtocolWindowsSaysWhatToDo() {
        byte[] packet = codec.encode(TestHeartbeats.from(2, 7, 8));
        packet[4] = 2;
        assertThatThrownBy(() -> codec.decode(packet, packet.length)).isInstanceOfSatisfying(HeartbeatRejected.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_VERSION))
                .hasMessageContaining("the peer speaks protocol 2, this node 5")
                .hasMessageContaining("from before rolling upgrades");
    }

    /** Issue 15: N and N+1 hear each other both ways (a rolling upgrade runs them side by side). */
    @Test
    void nodesOneProtocolVersionApartHearEachOther() throws Exception {
        HeartbeatCodec n = new HeartbeatCodec(TestHeartbeats.CLUSTER, TestHeartbeats.KEY, 5);
        HeartbeatCodec next = new HeartbeatCodec(TestHeartbeats.CLUSTER, TestHeartbeats.KEY, 6);
        Heartbeat hb = TestHeartbeats.from(2, 7, 8);
        assertThat(next.decode(n.encode(hb), HeartbeatCodec.PACKET_BYTES)).isEqualTo(hb);
        assertThat(n.decode(next.encode(hb), HeartbeatCodec.PACKET_BYTES)).isEqualTo(hb);
    }

    /** Issue 15: N and N+2 refuse each other, both ways, naming both versions and which node to upgrade. */
    @Test
    void nodesTwoProtocolVersionsApartRefuseEachOther() {
        HeartbeatCodec n = new HeartbeatCodec(TestHeartbeats.CLUSTER, TestHeartbeats.KEY, 5);
        HeartbeatCodec twoAhead = new HeartbeatCodec(TestHeartbeats.CLUSTER, TestHeartbeats.KEY, 7);
        Heartbeat hb = TestHeartbeats.from(2, 7, 8);
        byte[] fromTwoAhead = twoAhead.encode(hb);
        byte[] fromN = n.encode(hb);
        assertThatThrownBy(() -> n.decode(fromTwoAhead, fromTwoAhead.length))
                .hasMessage("BAD_VERSION: the peer speaks protocol 7, this node 5: more than one version apart"
                        + " (protocol 5 talks to 5..6); upgrade this node from protocol 5 to 6 first");
        assertThatThrownBy(() -> twoAhead.decode(fromN, fromN.length))
                .hasMessage("BAD_VERSION: the peer speaks protocol 5, this node 7: more than one version apart"
                        + " (protocol 7 talks to 6..8); upgrade the peer from protocol 5 to 6 first");
    }

    @Test
    void everyTruncationIsTooShort() {
        byte[] packet = codec.encode(TestHeartbeats.random(new Random(SEED)));
        for (int len = 0; len < packet.length; len++) {
            assertThat(reasonOf(Arrays.copyOf(packet, len), len)).as("len %d", len)
                    .isEqualTo(Reason.TOO_SHORT);
            assertThat(reasonOf(packet, len)).as("len %d of full buffer", len)
                    .isEqualTo(Reason.TOO_SHORT);
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] longer = Arrays.copyOf(codec.encode(TestHeartbeats.from(1, 1, 1)),
                HeartbeatCodec.PACKET_BYTES + 1);
        assertThat(reasonOf(longer, longer.length)).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void randomBytesNeverThrowAndAreAlwaysRejected() {
        Random r = new Random(SEED);
        byte[] validHeader = Arrays.copyOf(codec.encode(TestHeartbeats.from(1, 1, 1)),
                HeartbeatCodec.HEADER_BYTES);
        for (int i = 0; i < 100_000; i++) {
            byte[] junk = new byte[r.nextInt(2 * HeartbeatCodec.PACKET_BYTES)];
            r.nextBytes(junk);
            // Half the inputs get a valid header, so the MAC check is exercised, not just magic.
            if (i % 2 == 0 && junk.length >= validHeader.length) {
                System.arraycopy(validHeader, 0, junk, 0, validHeader.length);
            }
            int len = junk.length == 0 ? 0 : r.nextInt(junk.length + 1);
            try {
                Heartbeat hb = codec.decode(junk, len);
                fail("seed %d #%d: random bytes decoded as %s", SEED, i, hb);
            } catch (HeartbeatRejected expected) {
                // Any reason will do; an unchecked exception fails the test.
            }
        }
    }

    @Test
    void nonsenseArgumentsAreRejectedNotThrown() {
        assertThat(reasonOf(null, 0)).isEqualTo(Reason.MALFORMED);
        assertThat(reasonOf(new byte[10], -1)).isEqualTo(Reason.MALFORMED);
        assertThat(reasonOf(new byte[10], 11)).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void aPacketSignedWithAnotherKeyHasABadMac() {
        HeartbeatCodec other = new HeartbeatCodec(TestHeartbeats.CLUSTER,
                "another-key-of-the-same-cluster".getBytes(StandardCharsets.UTF_8));
        byte[] packet = other.encode(TestHeartbeats.from(2, 1, 1));
        assertThatThrownBy(() -> codec.decode(packet, packet.length))
                .isInstanceOfSatisfying(HeartbeatRejected.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAC))
                .hasMessageContaining("cluster key");
    }

    @Test
    void aPacketOfAnotherClusterIsWrongClusterEvenWithTheSameKey() {
        HeartbeatCodec other = new HeartbeatCodec("other-cluster", TestHeartbeats.KEY);
        byte[] packet = other.encode(TestHeartbeats.from(2, 1, 1));
        assertThatThrownBy(() -> codec.decode(packet, packet.length))
                .isInstanceOfSatisfying(HeartbeatRejected.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_CLUSTER))
                .hasMessageContaining("another Vigil cluster");
    }

    @Test
    void authenticPacketsWithOutOfRangeEnumsOrFlagsAreMalformed() {
        byte[] packet = codec.encode(TestHeartbeats.from(2, 1, 1));
        assertThat(reasonOf(resigned(packet, 46, (byte) 5), packet.length))
                .as("state ordinal").isEqualTo(Reason.MALFORMED);
        assertThat(reasonOf(resigned(packet, 72, (byte) 4), packet.length))
                .as("sync ordinal").isEqualTo(Reason.MALFORMED);
        assertThat(reasonOf(resigned(packet, 47, (byte) 0x41), packet.length))
                .as("unknown flag").isEqualTo(Reason.MALFORMED);
        assertThat(reasonOf(resigned(packet, 46, (byte) 4), packet.length))
                .as("highest valid state ordinal").isNull();
    }

    @Test
    void shortKeysAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> new HeartbeatCodec("c", new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15 bytes").hasMessageContaining("at least 16");
        assertThatThrownBy(() -> new HeartbeatCodec("c", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> new HeartbeatCodec(" ", new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster id");
    }

    @Test
    void theCodecKeepsItsOwnCopyOfTheKey() throws Exception {
        byte[] key = TestHeartbeats.KEY.clone();
        HeartbeatCodec c = new HeartbeatCodec(TestHeartbeats.CLUSTER, key);
        Arrays.fill(key, (byte) 0);
        byte[] packet = codec.encode(TestHeartbeats.from(1, 1, 1));
        assertThat(c.decode(packet, packet.length)).isEqualTo(TestHeartbeats.from(1, 1, 1));
    }

    @Test
    void encodingAHeartbeatFromAnInvalidNodeIsAProgrammingError() {
        assertThatThrownBy(() -> codec.encode(TestHeartbeats.from(3, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 3");
    }

    /** The rejection reason, or null if the packet decodes. */
    private Reason reasonOf(byte[] buf, int len) {
        try {
            codec.decode(buf, len);
            return null;
        } catch (HeartbeatRejected e) {
            return e.reason();
        }
    }

    /** Sets one byte and signs again with the right key, as a buggy but honest peer would. */
    private static byte[] resigned(byte[] packet, int offset, byte value) {
        byte[] copy = packet.clone();
        copy[offset] = value;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(TestHeartbeats.KEY, "HmacSHA256"));
            mac.update(copy, 0, copy.length - 32);
            System.arraycopy(mac.doFinal(), 0, copy, copy.length - 32, 32);
            return copy;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
