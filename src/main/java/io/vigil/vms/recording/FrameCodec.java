package io.vigil.vms.recording;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame record, the same on disk (segment files) and on the wire (playback of frames): a
 * 36-byte big-endian header {@code magic "VGFR", device id (8), sequence (8), capture time ms (8),
 * payload length (4), CRC32C (4)} then the payload. The CRC covers the header fields and the payload,
 * so a frame torn by a crash or a full disk is recognised and never served as a picture.
 */
public final class FrameCodec {
    public static final int MAGIC = 0x56474652;
    public static final int HEADER_BYTES = 36;
    /** Larger than any real encoded frame (a 100 Mbit/s stream at 1 fps is 12.5 MB). */
    public static final int MAX_PAYLOAD = 16 * 1024 * 1024;

    private FrameCodec() {
    }

    /** The header of {@code f}, ready to be written before its payload. */
    public static ByteBuffer header(Frame f) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        h.putInt(MAGIC).putLong(f.deviceId()).putLong(f.sequence()).putLong(f.captureMillis())
                .putInt(f.payload().length).putInt(crc(f));
        return h.flip();
    }

    public static int recordBytes(Frame f) {
        return HEADER_BYTES + f.payload().length;
    }

    /**
     * The next frame of {@code in}, or null at a clean end. A record cut short or failing its check
     * throws {@link Torn}: the caller decides whether that is a crash's tail or damage.
     */
    public static Frame read(DataInputStream in) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        try {
            if (magic != MAGIC) {
                throw new Torn("no frame header (magic " + Integer.toHexString(magic) + ")");
            }
            long device = in.readLong();
            long seq = in.readLong();
            long time = in.readLong();
            int length = in.readInt();
            int crc = in.readInt();
            if (length < 0 || length > MAX_PAYLOAD) {
                throw new Torn("frame length " + length + " out of range");
            }
            byte[] payload = new byte[length]; // readFully: one copy (readNBytes copies large reads twice)
            try {
                in.readFully(payload);
            } catch (EOFException e) {
                throw new Torn("frame " + seq + " cut short");
            }
            Frame f = new Frame(device, seq, time, payload);
            if (crc(f) != crc) {
                throw new Torn("frame " + seq + " fails its checksum");
            }
            return f;
        } catch (EOFException e) {
            throw new Torn("frame header cut short");
        }
    }

    /** Reads every frame of {@code in} into {@code sink}; stops at the end or at a torn record. */
    public static long readAll(InputStream in, java.util.function.Consumer<Frame> sink) throws IOException {
        DataInputStream d = new DataInputStream(in);
        long n = 0;
        for (Frame f = read(d); f != null; f = read(d)) {
            sink.accept(f);
            n++;
        }
        return n;
    }

    private static int crc(Frame f) {
        CRC32C c = new CRC32C();
        ByteBuffer fields = ByteBuffer.allocate(28).putLong(f.deviceId()).putLong(f.sequence())
                .putLong(f.captureMillis()).putInt(f.payload().length).flip();
        c.update(fields);
        c.update(f.payload());
        return (int) c.getValue();
    }

    /** A record that is not a whole, valid frame. */
    public static final class Torn extends IOException {
        public Torn(String message) {
            super(message);
        }
    }
}
