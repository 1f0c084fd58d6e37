package io.vigil.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * This node's incarnation: a number drawn at every daemon start, greater than that of every
 * earlier start, kept in {@code <dataDir>/incarnation}. The peer and the witness accept only
 * increasing (incarnation, seq) pairs, so recordings from an earlier start are refused (issue 10,
 * item 2). The new number is on disk (fsynced, renamed, folder fsynced) before the daemon sends
 * its first datagram: a crash right after sending can never lead to reusing it.
 *
 * <p>The next incarnation is the larger of (saved + 1) and the wall clock in milliseconds: the
 * clock keeps it increasing when the data directory is lost (a reinstalled node), the saved
 * number when the clock goes back.
 */
final class IncarnationStore {
    static final String FILE_NAME = "incarnation";

    private IncarnationStore() {
    }

    /** Draws, saves and returns the incarnation of this start. */
    static long next(Path dataDir, long wallMs) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        long next = Math.max(saved(file) + 1, wallMs);
        save(dataDir, file, next);
        return next;
    }

    private static long saved(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            long value = Long.parseLong(text);
            if (value >= 0 && value < Long.MAX_VALUE) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException(file + " does not hold an incarnation number (it holds '"
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'). Delete the file and start"
                + " the node again: it then starts a new incarnation from the clock.");
    }

    private static void save(Path dir, Path file, long value) throws IOException {
        Path temp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
