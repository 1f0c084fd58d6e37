package io.vigil.vms.recording;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One device's recordings: append-only segment files {@code <20-digit first sequence>.seg} in the
 * device's folder. The index is the list of segments, rebuilt from the files themselves at open:
 * a segment with a matching summary is trusted, any other is scanned and cut back to its last
 * whole frame. There is no separate index file a crash could leave inconsistent, so a crash
 * loses at most the frames not yet written (issue 13: "never the index").
 */
final class DeviceLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceLog.class);

    private final long deviceId;
    private final Path dir;
    private final long segmentMillis;
    private final long segmentBytes;
    private final List<SegmentInfo> closed = new ArrayList<>();
    private FileChannel channel;
    private SegmentInfo current;
    private long lastSeq = -1;

    private DeviceLog(long deviceId, Path dir, long segmentMillis, long segmentBytes) {
        this.deviceId = deviceId;
        this.dir = dir;
        this.segmentMillis = segmentMillis;
        this.segmentBytes = segmentBytes;
    }

    static DeviceLog open(long deviceId, Path dir, long segmentMillis, long segmentBytes) throws IOException {
        Files.createDirectories(dir);
        DeviceLog log = new DeviceLog(deviceId, dir, segmentMillis, segmentBytes);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
        for (Path f : files) {
            SegmentInfo info = SegmentInfo.readSummary(f);
            if (info == null) {
                info = recover(f);
            }
            if (info != null) {
                log.closed.add(info);
                log.lastSeq = info.lastSeq();
            }
        }
        return log;
    }

    /**
     * Scans a segment without a valid summary (the one being written when the process died): keeps
     * its whole frames, cuts off a torn tail, deletes it if nothing whole is left.
     */
    private static SegmentInfo recover(Path f) throws IOException {
        SegmentInfo[] info = {null};
        long size = Files.size(f);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
            DataInputStream d = new DataInputStream(in);
            for (Frame fr = FrameCodec.read(d); fr != null; fr = FrameCodec.read(d)) {
                info[0] = info[0] == null ? SegmentInfo.first(f, fr) : info[0].plus(fr);
            }
        } catch (FrameCodec.Torn e) {
            long keep = info[0] == null ? 0 : info[0].bytes();
            LOG.warn("segment {}: {} after {} whole bytes (a crash or a full disk); cutting {} bytes", f,
                    e.getMessage(), keep, size - keep);
        }
        if (info[0] == null) {
            Files.delete(f);
            Files.deleteIfExists(SegmentInfo.summaryOf(f));
            return null;
        }
        if (info[0].bytes() < size) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(info[0].bytes());
                ch.force(true);
            }
        }
        try {
            info[0].writeSummary();
        } catch (IOException e) {
            LOG.warn("segment {}: cannot write its summary ({}); it will be scanned again at the next start", f,
                    e.getMessage());
        }
        return info[0];
    }

    long lastSequence() {
        synchronized (this) {
            return lastSeq;
        }
    }

    /**
     * Appends one frame, or leaves the segment exactly as it was: a failed write (a full disk) is
     * cut back to the last whole frame before the error is passed on.
     */
    synchronized void append(Frame f) throws IOException {
        if (f.sequence() <= lastSeq) {
            throw new IllegalArgumentException("device " + deviceId + ": frame " + f.sequence()
                    + " is not after frame " + lastSeq);
        }
        // A gap in the sequence starts a new segment, so every segment is a run without a gap: a
        // merge (issue 14) then knows from the summaries alone which frames this log holds.
        if (current != null && (f.sequence() != lastSeq + 1 || f.captureMillis() - current.firstMillis() >= segmentMillis
                || current.bytes() >= segmentBytes)) {
            roll();
        }
        Path file = current == null ? dir.resolve(String.format("%020d.seg", f.sequence())) : current.file();
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        long before = current == null ? 0 : current.bytes();
        try {
            ByteBuffer[] record = {FrameCodec.header(f), ByteBuffer.wrap(f.payload())};
            long want = FrameCodec.recordBytes(f);
            for (long done = 0; done < want; ) {
                done += channel.write(record);
            }
        } catch (IOException e) {
            undo(file, before);
            if (current != null) {
                closeAfterFailure();
            }
            throw e;
        }
        current = current == null ? SegmentInfo.first(file, f) : current.plus(f);
        lastSeq = f.sequence();
    }

    private void undo(Path file, long before) {
        try {
            channel.truncate(before);
            if (before == 0) {
                channel.close();
                channel = null;
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.error("segment {}: cannot cut a failed write back to {} bytes ({}); it is repaired at the next start",
                    file, before, e.getMessage());
        }
    }

    /**
     * Ends the segment after a failed write, so that the frames lost until writes succeed again fall
     * between two segments and {@link Spans} shows the gap.
     */
    private void closeAfterFailure() {
        try {
            roll();
        } catch (IOException e) {
            LOG.warn("segment {}: closing it after a failed write: {}", current, e.getMessage());
        }
    }

    /** Closes the segment being written: fsync, then its summary; the next frame starts a new one. */
    synchronized void roll() throws IOException {
        if (channel == null) {
            return;
        }
        SegmentInfo done = current;
        try {
            channel.force(true);
        } finally {
            channel.close();
            channel = null;
            current = null;
        }
        if (done != null) {
            closed.add(done);
            try {
                done.writeSummary();
            } catch (IOException e) {
                LOG.warn("segment {}: cannot write its summary ({}); it will be scanned at the next start",
                        done.file(), e.getMessage());
            }
        }
    }

    /**
     * Adds a closed segment written elsewhere ({@code written} describes {@code tmp}, already fsynced on
     * this file system): a merge filling a hole in the sequence (issue 14). Refused when its frames
     * overlap a segment already here or do not come before the segment being written, so a frame is
     * never stored twice and appends stay in order.
     */
    synchronized SegmentInfo insert(Path tmp, SegmentInfo written) throws IOException {
        for (SegmentInfo s : segments()) {
            if (s.firstSeq() <= written.lastSeq() && written.firstSeq() <= s.lastSeq()) {
                throw new IllegalStateException("device " + deviceId + ": frames " + written.firstSeq() + "-"
                        + written.lastSeq() + " overlap the stored segment " + s.firstSeq() + "-" + s.lastSeq());
            }
        }
        if (current != null && written.lastSeq() > current.firstSeq()) {
            throw new IllegalStateException("device " + deviceId + ": frames " + written.firstSeq() + "-"
                    + written.lastSeq() + " come after the segment being recorded (from " + current.firstSeq() + ")");
        }
        Path file = dir.resolve(String.format("%020d.seg", written.firstSeq()));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename itself survives a crash
        }
        SegmentInfo info = new SegmentInfo(file, written.firstSeq(), written.lastSeq(), written.firstMillis(),
                written.lastMillis(), written.frames(), written.bytes());
        try {
            info.writeSummary();
        } catch (IOException e) {
            LOG.warn("segment {}: cannot write its summary ({}); it will be scanned at the next start", file,
                    e.getMessage());
        }
        int at = 0;
        while (at < closed.size() && closed.get(at).firstSeq() < info.firstSeq()) {
            at++;
        }
        closed.add(at, info);
        lastSeq = Math.max(lastSeq, info.lastSeq());
        return info;
    }

    /** Every segment, oldest first; the one being written only up to its last whole frame. */
    synchronized List<SegmentInfo> segments() {
        List<SegmentInfo> all = new ArrayList<>(closed);
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    /** Passes the frames captured in [from, to] to {@code sink}, in order. */
    void read(long fromMillis, long toMillis, Consumer<Frame> sink) throws IOException {
        for (SegmentInfo s : segments()) {
            if (!s.overlaps(fromMillis, toMillis)) {
                continue;
            }
            try (InputStream in = new BufferedInputStream(new Bounded(Files.newInputStream(s.file()), s.bytes()), 1 << 16)) {
                FrameCodec.readAll(in, f -> {
                    if (f.captureMillis() >= fromMillis && f.captureMillis() <= toMillis) {
                        sink.accept(f);
                    }
                });
            } catch (NoSuchFileException e) {
                // removed by retention while we read: those frames are gone
            }
        }
    }

    /** Deletes closed segments whose newest frame is older than {@code cutoffMillis}; returns how many. */
    synchronized int dropBefore(long cutoffMillis) throws IOException {
        int n = 0;
        while (!closed.isEmpty() && closed.get(0).lastMillis() < cutoffMillis) {
            SegmentInfo s = closed.remove(0);
            Files.deleteIfExists(SegmentInfo.summaryOf(s.file()));
            Files.deleteIfExists(s.file());
            n++;
        }
        return n;
    }

    @Override
    public synchronized void close() throws IOException {
        roll();
    }

    /** Reads no further than the whole frames the index knows of (never a frame still being written). */
    private static final class Bounded extends java.io.FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            left -= b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }
    }
}
