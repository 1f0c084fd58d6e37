package io.vigil.dirsync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One item of a replicated directory, as the source lists it.
 *
 * @param path       relative to the replicated directory, '/'-separated, never empty, never ".."
 * @param type       file, directory or symbolic link (other kinds are not replicated)
 * @param size       bytes of a file (0 otherwise)
 * @param mtimeNanos last modification, nanoseconds since the epoch
 * @param mode       permission bits including setuid/setgid/sticky (07777)
 * @param uid        owner, applied only when the receiving node runs as root
 * @param gid        group, same rule as uid
 * @param linkTarget the target text of a symbolic link, copied verbatim ("" otherwise)
 */
record Entry(String path, Type type, long size, long mtimeNanos, int mode, int uid, int gid, String linkTarget) {

    enum Type { FILE, DIR, LINK }

    void write(ByteBuffer b) {
        Codec.putString(b, path);
        b.put((byte) type.ordinal());
        b.putLong(size).putLong(mtimeNanos).putInt(mode).putInt(uid).putInt(gid);
        Codec.putString(b, linkTarget);
    }

    static Entry read(ByteBuffer b) throws CorruptStreamException {
        try {
            String path = Codec.getString(b);
            int t = b.get();
            if (t < 0 || t >= Type.values().length) {
                throw new CorruptStreamException("unknown entry type " + t);
            }
            return new Entry(path, Type.values()[t], b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getInt(),
                    Codec.getString(b));
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptStreamException("an entry ends before its last field (truncated message)");
        }
    }

    /** An upper bound of {@link #write}'s output. */
    int encodedSize() {
        return 2 + path.getBytes(StandardCharsets.UTF_8).length + 1 + 28 + 2
                + linkTarget.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Whether the receiver's copy {@code local} needs this file's content sent (rsync's quick check). */
    boolean contentDiffers(Entry local) {
        return local == null || local.type != type || local.size != size || local.mtimeNanos != mtimeNanos;
    }
}
