package io.vigil.dirsync;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The replication protocol's messages (inside {@link TlsChannel} frames): a type byte, then
 * fixed-width big-endian fields; strings are a 2-byte length and UTF-8.
 *
 * <pre>
 * receiver (SECOND) -> source (PRIM)
 *   LIST   dir                                   -> ENTRIES* END | ERROR
 *   FETCH  dir path basisSize blockSize count    then SIGS frames carrying count x (weak int, strong long)
 *                                                -> FILE DELTA* FILE_END | GONE | ERROR
 * source -> receiver
 *   ENTRIES count entry*        END total        ERROR message
 *   FILE size mtime             DELTA op*        FILE_END length checksum(16) literal      GONE reason
 *   op: LITERAL len bytes | COPY firstBlock blockCount
 * </pre>
 */
final class Codec {
    static final byte LIST = 1;
    static final byte FETCH = 2;
    static final byte SIGS = 3;
    static final byte ENTRIES = 10;
    static final byte END = 11;
    static final byte ERROR = 12;
    static final byte FILE = 13;
    static final byte DELTA = 14;
    static final byte FILE_END = 15;
    static final byte GONE = 16;

    static final byte OP_LITERAL = 1;
    static final byte OP_COPY = 2;

    private Codec() {
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("name longer than " + Short.MAX_VALUE + " bytes: " + s.substring(0, 80));
        }
        b.putShort((short) bytes.length).put(bytes);
    }

    static String getString(ByteBuffer b) throws CorruptStreamException {
        try {
            int n = b.getShort();
            if (n < 0 || n > b.remaining()) {
                throw new CorruptStreamException("string length " + n + " exceeds the frame");
            }
            byte[] bytes = new byte[n];
            b.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (BufferUnderflowException e) {
            throw new CorruptStreamException("message shorter than its fields", e);
        }
    }

    static byte type(ByteBuffer b) throws CorruptStreamException {
        if (!b.hasRemaining()) {
            throw new CorruptStreamException("empty message");
        }
        return b.get();
    }
}
