package io.vigil.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Byte-level mutations shared by the fuzz targets: bit flips, interesting byte values,
 * truncation, extension, chunk deletion and duplication, random bytes. Each is a pure function
 * of its random source, so a seed replays a run.
 */
final class Mutator {

    private static final byte[] INTERESTING = {0, 1, 2, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff, '"', '\\', '{',
            '}', '[', ']', ',', ':', '\n', '/', '.'};

    private Mutator() {
    }

    /** One to three mutations of {@code in}; never returns {@code in} itself. */
    static byte[] mutate(byte[] in, SplittableRandom r) {
        byte[] b = in.clone();
        int ops = 1 + r.nextInt(3);
        for (int i = 0; i < ops; i++) {
            b = once(b, r);
        }
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom r) {
        switch (r.nextInt(7)) {
            case 0:
                return flipBits(b, r);
            case 1:
                return setInteresting(b, r);
            case 2:
                return b.length == 0 ? b : Arrays.copyOf(b, r.nextInt(b.length));
            case 3:
                return concat(b, randomBytes(r, 1 + r.nextInt(64)));
            case 4:
                return deleteChunk(b, r);
            case 5:
                return duplicateChunk(b, r);
            default:
                return insertRandom(b, r);
        }
    }

    static byte[] flipBits(byte[] b, SplittableRandom r) {
        if (b.length == 0) {
            return b;
        }
        byte[] out = b.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int bit = r.nextInt(out.length * 8);
            out[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return out;
    }

    /** Flips one to eight bits inside {@code [from, to)} only. */
    static byte[] flipBitsIn(byte[] b, int from, int to, SplittableRandom r) {
        byte[] out = b.clone();
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int bit = from * 8 + r.nextInt((to - from) * 8);
            out[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return out;
    }

    private static byte[] setInteresting(byte[] b, SplittableRandom r) {
        if (b.length == 0) {
            return b;
        }
        byte[] out = b.clone();
        out[r.nextInt(out.length)] = INTERESTING[r.nextInt(INTERESTING.length)];
        return out;
    }

    private static byte[] deleteChunk(byte[] b, SplittableRandom r) {
        if (b.length < 2) {
            return new byte[0];
        }
        int from = r.nextInt(b.length);
        int len = 1 + r.nextInt(Math.min(32, b.length - from));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, from + len, out, from, b.length - from - len);
        return out;
    }

    private static byte[] duplicateChunk(byte[] b, SplittableRandom r) {
        if (b.length == 0) {
            return b;
        }
        int from = r.nextInt(b.length);
        int len = 1 + r.nextInt(Math.min(32, b.length - from));
        int at = r.nextInt(b.length + 1);
        return splice(b, at, Arrays.copyOfRange(b, from, from + len));
    }

    private static byte[] insertRandom(byte[] b, SplittableRandom r) {
        return splice(b, r.nextInt(b.length + 1), randomBytes(r, 1 + r.nextInt(16)));
    }

    static byte[] splice(byte[] b, int at, byte[] insert) {
        byte[] out = new byte[b.length + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at, out, at + insert.length, b.length - at);
        return out;
    }

    static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] out = new byte[n];
        r.nextBytes(out);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A long value that decoders tend to get wrong: extremes, zero, small and random ones. */
    static long edgeLong(SplittableRandom r) {
        switch (r.nextInt(6)) {
            case 0:
                return Long.MAX_VALUE;
            case 1:
                return Long.MIN_VALUE;
            case 2:
                return 0;
            case 3:
                return -1;
            case 4:
                return r.nextInt(10);
            default:
                return r.nextLong();
        }
    }

    static int edgeInt(SplittableRandom r) {
        switch (r.nextInt(5)) {
            case 0:
                return Integer.MAX_VALUE;
            case 1:
                return Integer.MIN_VALUE;
            case 2:
                return 0;
            case 3:
                return -1;
            default:
                return r.nextInt(4);
        }
    }

    /** Text for string fields: ordinary words, control characters, very long, invalid UTF-16. */
    static String edgeString(SplittableRandom r) {
        switch (r.nextInt(7)) {
            case 0:
                return "";
            case 1:
                return "\u0000\n\r\t\u001b[31m";
            case 2:
                return "x".repeat(1 + r.nextInt(600));
            case 3:
                return "\ud800";
            case 4:
                return "../../etc/passwd";
            case 5:
                return new String(randomBytes(r, r.nextInt(24)), StandardCharsets.ISO_8859_1);
            default:
                return "word" + r.nextInt(100);
        }
    }
}
