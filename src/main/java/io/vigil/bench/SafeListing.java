package io.vigil.bench;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a generated listing the way the receiver does (ENTRIES: count, then path, type, size,
 * mtime, mode, uid, gid, link target) only to find the link targets a case would create, so that
 * bench/fuzz never runs a case whose links could lead a receiver out of the sandbox.
 */
final class SafeListing {

    private static final int LINK = 2;

    private SafeListing() {
    }

    /**
     * False when a link target is absolute, or the link targets together climb {@code depth}
     * levels or more (links below links add up).
     */
    static boolean linksStayWithin(List<byte[]> messages, int depth) {
        int up = 0;
        for (byte[] m : messages) {
            ByteBuffer b = ByteBuffer.wrap(m);
            if (!b.hasRemaining() || b.get() != io.vigil.dirsync.HostileSource.ENTRIES) {
                continue;
            }
            try {
                for (int n = b.getInt(); n > 0; n--) {
                    string(b);
                    int type = b.get();
                    b.position(b.position() + 8 + 8 + 4 + 4 + 4);
                    String target = string(b);
                    if (type == LINK) {
                        if (target.startsWith("/")) {
                            return false;
                        }
                        up += climbs(target);
                    }
                }
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                // the receiver stops reading here too
            }
        }
        return up < depth;
    }

    private static int climbs(String target) {
        int up = 0;
        for (String part : target.split("/")) {
            if (part.equals("..")) {
                up++;
            }
        }
        return up;
    }

    private static String string(ByteBuffer b) {
        int n = b.getShort();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("string length " + n);
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
