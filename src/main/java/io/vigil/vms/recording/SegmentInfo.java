package io.vigil.vms.recording;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one segment file holds: its frames' sequence and time range, how many, and how many bytes
 * of the file are whole frames. A closed segment's summary is kept next to it in {@code NAME.idx}
 * so that start-up need not read every segment again; the summary is trusted only when the file
 * still has exactly {@code bytes} bytes, otherwise the segment is scanned (see {@link DeviceLog}).
 */
public record SegmentInfo(Path file, long firstSeq, long lastSeq, long firstMillis, long lastMillis, long frames,
                          long bytes) {

    static SegmentInfo first(Path file, Frame f) {
        return new SegmentInfo(file, f.sequence(), f.sequence(), f.captureMillis(), f.captureMillis(), 1,
                FrameCodec.recordBytes(f));
    }

    SegmentInfo plus(Frame f) {
        return new SegmentInfo(file, firstSeq, f.sequence(), firstMillis, Math.max(lastMillis, f.captureMillis()),
                frames + 1, bytes + FrameCodec.recordBytes(f));
    }

    boolean overlaps(long fromMillis, long toMillis) {
        return firstMillis <= toMillis && lastMillis >= fromMillis;
    }

    static Path summaryOf(Path segment) {
        return segment.resolveSibling(segment.getFileName().toString().replace(".seg", ".idx"));
    }

    /** Writes the summary whole or not at all: temporary file, fsync, rename. */
    void writeSummary() throws IOException {
        Path idx = summaryOf(file);
        Path tmp = idx.resolveSibling(idx.getFileName() + ".tmp");
        String line = firstSeq + " " + lastSeq + " " + firstMillis + " " + lastMillis + " " + frames + " " + bytes + "\n";
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, idx, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The summary of {@code segment} if it has one that matches the file's size, else null. */
    static SegmentInfo readSummary(Path segment) {
        try {
            String[] v = Files.readString(summaryOf(segment), StandardCharsets.US_ASCII).strip().split(" ");
            SegmentInfo s = new SegmentInfo(segment, Long.parseLong(v[0]), Long.parseLong(v[1]), Long.parseLong(v[2]),
                    Long.parseLong(v[3]), Long.parseLong(v[4]), Long.parseLong(v[5]));
            return v.length == 6 && Files.size(segment) == s.bytes() ? s : null;
        } catch (IOException | RuntimeException e) {
            return null; // absent, torn or stale: the segment is scanned instead
        }
    }
}
