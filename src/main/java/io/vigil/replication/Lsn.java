package io.vigil.replication;

/**
 * A WAL position ("16/B374D848" in PostgreSQL's notation): a byte offset in the WAL stream, so
 * the difference of two LSNs is a byte count.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    public static final Lsn ZERO = new Lsn(0);

    /** Parses PostgreSQL's text form; null or empty (no position yet) gives null. */
    public static Lsn parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 1 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not a WAL position (expected like 0/3000060): " + text);
        }
        long hi = Long.parseLong(text.substring(0, slash), 16);
        long lo = Long.parseLong(text.substring(slash + 1), 16);
        if (hi > 0xFFFFFFFFL || lo > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("WAL position out of range: " + text);
        }
        return new Lsn((hi << 32) | lo);
    }

    public boolean isAtLeast(Lsn other) {
        return Long.compareUnsigned(value, other.value) >= 0;
    }

    /** Bytes of WAL from {@code earlier} to this position (0 if earlier is not earlier). */
    public long bytesAfter(Lsn earlier) {
        return isAtLeast(earlier) ? value - earlier.value : 0;
    }

    @Override
    public int compareTo(Lsn o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
