package io.vigil.vms.recording;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {

    private static byte[] encode(Frame... frames) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Frame f : frames) {
            out.write(FrameCodec.header(f).array());
            out.write(f.payload());
        }
        return out.toByteArray();
    }

    @Test
    void framesRoundTripWithTheirHeaderFields() throws Exception {
        byte[] bytes = encode(new Frame(7, 41, 1_700_000_000_123L, new byte[] {1, 2, 3}), new Frame(7, 42, 1_700_000_000_163L, new byte[0]));
        List<Frame> back = new ArrayList<>();
        assertThat(FrameCodec.readAll(new ByteArrayInputStream(bytes), back::add)).isEqualTo(2);
        assertThat(back.get(0).deviceId()).isEqualTo(7);
        assertThat(back.get(0).sequence()).isEqualTo(41);
        assertThat(back.get(0).captureMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(back.get(0).payload()).containsExactly(1, 2, 3);
        assertThat(back.get(1).sequence()).isEqualTo(42);
        assertThat(bytes).hasSize(2 * FrameCodec.HEADER_BYTES + 3);
    }

    @Test
    void aFlippedBitIsRefusedNotServed() throws Exception {
        byte[] bytes = encode(new Frame(1, 5, 10, new byte[] {9, 9, 9, 9}));
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] bad = bytes.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> FrameCodec.read(new DataInputStream(new ByteArrayInputStream(bad))))
                    .as("bit %d", bit).isInstanceOf(FrameCodec.Torn.class);
        }
    }

    @Test
    void aFrameCutShortIsTornAndACleanEndIsNull() throws Exception {
        byte[] bytes = encode(new Frame(1, 5, 10, new byte[100]));
        assertThat(FrameCodec.read(new DataInputStream(new ByteArrayInputStream(new byte[0])))).isNull();
        assertThatThrownBy(() -> FrameCodec.read(new DataInputStream(new ByteArrayInputStream(Arrays.copyOf(bytes, 20)))))
                .isInstanceOf(FrameCodec.Torn.class).hasMessage("frame header cut short");
        assertThatThrownBy(() -> FrameCodec.read(new DataInputStream(new ByteArrayInputStream(Arrays.copyOf(bytes, 90)))))
                .isInstanceOf(FrameCodec.Torn.class).hasMessage("frame 5 cut short");
    }

    @Test
    void anAbsurdLengthIsRefusedBeforeAnyAllocation() throws Exception {
        byte[] bytes = encode(new Frame(1, 5, 10, new byte[1]));
        bytes[28] = 0x7f; // the length field's high byte
        assertThatThrownBy(() -> FrameCodec.read(new DataInputStream(new ByteArrayInputStream(bytes))))
                .isInstanceOf(FrameCodec.Torn.class).hasMessageContaining("out of range");
    }
}
