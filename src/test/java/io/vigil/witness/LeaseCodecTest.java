package io.vigil.witness;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeaseCodecTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final LeaseMessage m = LeaseMessage.request("site-a", 2, 99, 5, "acquire", 8, 3_000);

    private LeaseMessage decode(byte[] b) {
        return LeaseCodec.decode(b, b.length, c -> c.equals("site-a") ? KEY : null);
    }

    @Test
    void roundTrips() {
        assertThat(decode(LeaseCodec.encode(m, KEY))).isEqualTo(m);
    }

    @Test
    void everyFlippedBitIsRejected() {
        byte[] good = LeaseCodec.encode(m, KEY);
        for (int i = 0; i < good.length * 8; i++) {
            byte[] b = good.clone();
            b[i / 8] ^= (byte) (1 << (i % 8));
            int bit = i;
            assertThatThrownBy(() -> decode(b)).as("bit " + bit).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aWrongKeyOrAnUnknownClusterIsNamed() {
        byte[] other = LeaseCodec.encode(m, "ffffffffffffffffffffffffffffffff".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> decode(other)).hasMessageContaining("bad MAC for cluster 'site-a'");
        byte[] stranger = LeaseCodec.encode(LeaseMessage.request("elsewhere", 1, 1, 1, "acquire", 1, 1), KEY);
        assertThatThrownBy(() -> decode(stranger)).hasMessageContaining("unknown cluster 'elsewhere'");
    }

    @Test
    void randomDatagramsOnlyEverGiveAClearRejection() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(0, 1200)];
            r.nextBytes(b);
            if (i % 3 == 0 && b.length > 5) {
                System.arraycopy(LeaseCodec.MAGIC, 0, b, 0, 5);
            }
            assertThatThrownBy(() -> decode(b)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Issue 15: a node and the witness one protocol version apart still talk, both ways. */
    @Test
    void oneProtocolVersionApartIsAcceptedBothWays() {
        byte[] fromNext = LeaseCodec.encode(m, KEY, 6);
        byte[] fromN = LeaseCodec.encode(m, KEY, 5);
        assertThat(LeaseCodec.decode(fromNext, fromNext.length, c -> KEY, 5)).isEqualTo(m);
        assertThat(LeaseCodec.decode(fromN, fromN.length, c -> KEY, 6)).isEqualTo(m);
    }

    /** Issue 15: two versions apart are refused both ways, naming both versions and what to upgrade. */
    @Test
    void twoProtocolVersionsApartAreRefusedBothWays() {
        byte[] fromTwoAhead = LeaseCodec.encode(m, KEY, 7);
        byte[] fromN = LeaseCodec.encode(m, KEY, 5);
        assertThatThrownBy(() -> LeaseCodec.decode(fromTwoAhead, fromTwoAhead.length, c -> KEY, 5))
                .isInstanceOfSatisfying(IllegalArgumentException.class,
                        e -> assertThat(LeaseCodec.category(e)).isEqualTo("version"))
                .hasMessageStartingWith("the sender speaks protocol 7, this node 5: more than one version apart"
                        + " (protocol 5 talks to 5..6); upgrade this node from protocol 5 to 6 first");
        assertThatThrownBy(() -> LeaseCodec.decode(fromN, fromN.length, c -> KEY, 7))
                .hasMessageStartingWith("the sender speaks protocol 5, this node 7: more than one version apart"
                        + " (protocol 7 talks to 6..8); upgrade the sender from protocol 5 to 6 first");
    }
}
