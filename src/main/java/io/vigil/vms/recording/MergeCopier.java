package io.vigil.vms.recording;

import io.vigil.vms.recording.MergeJournal.Cursor;
import io.vigil.vms.recording.MergeJournal.Seg;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Copies one source segment into this server's store and verifies a device afterwards (issue 14).
 * A source frame is written only where this store has no frame of that sequence number: the missing
 * frames go, run by run, into new segments that fill the holes ({@link SegmentStore#insert}). Every
 * segment here is a run without a gap ({@link DeviceLog#append}), so the segment summaries alone say
 * which frames are here. What the source sends is checked against what it listed: a frame torn or
 * failing its checksum, one sent twice or out of order, or a count that differs, is a lie
 * ({@link Refused}) that ends the merge, never something half-merged silently.
 */
final class MergeCopier {
    /** The merge cannot go on: the source lied, or the frames conflict with this store's. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** How many answers ending at the same byte short of the listed size make it a lie. */
    static final int EARLY_ENDS = 3;

    private final SegmentStore store;
    private final Path tmpDir;
    private final long segmentBytes;
    private final long from;
    private final long to;
    private String endedEarly;
    private int earlyEnds;

    MergeCopier(SegmentStore store, Path tmpDir, long segmentBytes, long fromMillis, long toMillis) {
        this.store = store;
        this.tmpDir = tmpDir;
        this.segmentBytes = segmentBytes;
        this.from = fromMillis;
        this.to = toMillis;
    }

    /** The mutable twin of a {@link Cursor} while a segment is read. */
    private static final class Work {
        long bytes;
        long frames;
        long lastSeq;
        long written;
        long present;
        final List<long[]> runs = new ArrayList<>();

        Work(Cursor c) {
            bytes = c.bytes();
            frames = c.frames();
            lastSeq = c.lastSeq();
            written = c.written();
            present = c.present();
            c.runs().forEach(r -> runs.add(r.clone()));
        }

        Cursor cursor() {
            List<long[]> copy = new ArrayList<>();
            runs.forEach(r -> copy.add(r.clone()));
            return new Cursor(bytes, frames, lastSeq, written, present, List.copyOf(copy));
        }

        void had(long seq) {
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[1] + 1 == seq) {
                last[1] = seq;
            } else {
                runs.add(new long[] {seq, seq});
            }
        }
    }

    /** A hole-filling segment being written in the temporary folder, in writes of up to 1 MiB. */
    private final class Run implements AutoCloseable {
        final Path file;
        final FileChannel ch;
        final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        SegmentInfo info;

        Run(long deviceId, Frame f) throws IOException {
            file = tmpDir.resolve(deviceId + "-" + f.sequence() + ".seg");
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }

        void write(Frame f) throws IOException {
            if (buf.remaining() < FrameCodec.recordBytes(f)) {
                flush();
            }
            if (buf.remaining() >= FrameCodec.recordBytes(f)) {
                buf.put(FrameCodec.header(f)).put(f.payload());
            } else {
                ByteBuffer[] record = {FrameCodec.header(f), ByteBuffer.wrap(f.payload())};
                for (long done = 0, want = FrameCodec.recordBytes(f); done < want; ) {
                    done += ch.write(record);
                }
            }
            info = info == null ? SegmentInfo.first(file, f) : info.plus(f);
        }

        /** Writes what is buffered and fsyncs: the run is then whole on disk. */
        void sync() throws IOException {
            flush();
            ch.force(true);
        }

        private void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }

        boolean continuesWith(Frame f) {
            return f.sequence() == info.lastSeq() + 1 && info.bytes() < segmentBytes;
        }

        @Override
        public void close() throws IOException {
            ch.close();
            Files.deleteIfExists(file); // still here only when it was not stored
        }
    }

    /**
     * Copies {@code seg} of the device from where its cursor stands to its end; {@code commit} is
     * called with the new cursor each time frames are durably stored (it saves the journal).
     * An {@link IOException} leaves the store and {@code seg.done} consistent: retry from there.
     */
    void copy(long deviceId, Seg seg, MergeSource source, CommitListener commit) throws IOException {
        TreeMap<Long, Long> here = ranges(deviceId);
        Work w = new Work(seg.done);
        Run run = null;
        try (InputStream raw = source.segment(deviceId, seg.firstSeq, seg.done.bytes())) {
            DataInputStream in = new DataInputStream(raw instanceof BufferedInputStream ? raw
                    : new BufferedInputStream(raw, 1 << 16));
            for (Frame f = next(in, deviceId, seg, w); f != null; f = next(in, deviceId, seg, w)) {
                if (f.deviceId() != deviceId || f.sequence() <= w.lastSeq) {
                    throw lie(deviceId, seg, f.deviceId() != deviceId ? "sent a frame of device " + f.deviceId()
                            : "sent frame " + f.sequence() + " after frame " + w.lastSeq + " (twice or out of order)");
                }
                if (f.captureMillis() >= from && f.captureMillis() <= to) {
                    w.had(f.sequence());
                    Map.Entry<Long, Long> e = here.floorEntry(f.sequence());
                    boolean present = e != null && e.getValue() >= f.sequence();
                    if (run != null && (present || !run.continuesWith(f))) {
                        store(deviceId, run, here);
                        run = null;
                        seg.done = w.cursor(); // w is still before f: everything up to here is stored
                        commit.committed(seg);
                    }
                    if (present) {
                        w.present++;
                    } else {
                        run = run == null ? new Run(deviceId, f) : run;
                        run.write(f);
                        w.written++;
                    }
                }
                w.bytes += FrameCodec.recordBytes(f);
                w.frames++;
                w.lastSeq = f.sequence();
                if (w.frames % 64 == 0) {
                    seg.live = w.cursor(); // progress; a copy a frame would cost more than the frame
                }
            }
            checkComplete(deviceId, seg, w);
            if (run != null) {
                store(deviceId, run, here);
                run = null;
            }
            seg.done = w.cursor();
            seg.live = null;
            commit.committed(seg);
        } finally {
            seg.live = null;
            if (run != null) {
                run.close();
            }
        }
    }

    /** Called each time a segment's cursor moved past frames now durable here. */
    interface CommitListener {
        void committed(Seg seg) throws IOException;
    }

    /**
     * The next frame; null at the segment's end. A stream cut mid-frame is a broken connection
     * (retried); a record that is whole but wrong is a lie.
     */
    private static Frame next(DataInputStream in, long deviceId, Seg seg, Work w) throws IOException {
        try {
            return FrameCodec.read(in);
        } catch (FrameCodec.Torn t) {
            if (t.getMessage().contains("cut short")) {
                throw new IOException("the source's answer broke off inside a frame at byte " + w.bytes
                        + " of segment " + seg.firstSeq + " of device " + deviceId);
            }
            throw lie(deviceId, seg, "sent a damaged frame after byte " + w.bytes + ": " + t.getMessage());
        }
    }

    /**
     * A short answer is a broken connection the first times; the same answer again and again is the
     * source's word, checked against its listing.
     */
    private void checkComplete(long deviceId, Seg seg, Work w) throws IOException {
        String at = deviceId + "/" + seg.firstSeq + "/" + w.bytes;
        if (w.bytes < seg.bytes && (!at.equals(endedEarly) || ++earlyEnds < EARLY_ENDS)) {
            if (!at.equals(endedEarly)) {
                endedEarly = at;
                earlyEnds = 1;
            }
            throw new IOException("the source's answer ended at byte " + w.bytes + " of segment " + seg.firstSeq
                    + " of device " + deviceId + " (" + seg.bytes + " bytes listed)");
        }
        if (w.bytes != seg.bytes || w.frames != seg.frames || w.lastSeq != seg.lastSeq) {
            throw lie(deviceId, seg, "sent " + w.frames + " frames (" + w.bytes + " bytes, last " + w.lastSeq
                    + ") where it listed " + seg.frames + " frames " + seg.firstSeq + "-" + seg.lastSeq + " ("
                    + seg.bytes + " bytes)");
        }
    }

    private static Refused lie(long deviceId, Seg seg, String what) {
        return new Refused("the source " + what + " in segment " + seg.firstSeq + " of device " + deviceId
                + "; nothing more is merged: check the failover server's recordings (GET /devices there)");
    }

    private void store(long deviceId, Run run, TreeMap<Long, Long> here) throws IOException {
        run.sync();
        try {
            store.insert(deviceId, run.file, run.info);
        } catch (IllegalStateException e) {
            throw new Refused(e.getMessage() + "; the two servers numbered different frames alike, so nothing more"
                    + " is merged");
        }
        here.put(run.info.firstSeq(), run.info.lastSeq());
        run.close();
    }

    /** The device's segments here as first sequence -> last sequence. */
    private TreeMap<Long, Long> ranges(long deviceId) throws IOException {
        TreeMap<Long, Long> m = new TreeMap<>();
        for (SegmentInfo s : store.segments(deviceId)) {
            m.put(s.firstSeq(), s.lastSeq());
        }
        return m;
    }

    /**
     * After the copy: every frame the source had in the range is here, in a segment without a gap,
     * and no two segments here share a frame. Reads the summaries only.
     */
    void verify(long deviceId, List<Seg> plan) throws IOException {
        List<SegmentInfo> segs = store.segments(deviceId);
        TreeMap<Long, SegmentInfo> here = new TreeMap<>();
        SegmentInfo prev = null;
        for (SegmentInfo s : segs) {
            if (prev != null && s.firstSeq() <= prev.lastSeq()) {
                throw new Refused("verification: device " + deviceId + " holds frames " + s.firstSeq() + "-"
                        + Math.min(prev.lastSeq(), s.lastSeq()) + " twice (segments " + prev.file().getFileName()
                        + " and " + s.file().getFileName() + ")");
            }
            here.put(s.firstSeq(), s);
            prev = s;
        }
        for (Seg seg : plan) {
            for (long[] r : seg.done.runs()) {
                for (long seq = r[0]; seq <= r[1]; ) {
                    Map.Entry<Long, SegmentInfo> e = here.floorEntry(seq);
                    SegmentInfo s = e == null ? null : e.getValue();
                    if (s == null || s.lastSeq() < seq || s.frames() != s.lastSeq() - s.firstSeq() + 1) {
                        throw new Refused("verification: frame " + seq + " of device " + deviceId + ", which the"
                                + " source had, is not here after the merge" + (s != null && s.lastSeq() >= seq
                                ? " (segment " + s.file().getFileName() + " has a gap: written before segments were"
                                + " cut at gaps)" : ""));
                    }
                    seq = Math.min(r[1], s.lastSeq()) + 1;
                }
            }
        }
    }
}
