package io.vigil.vms.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A merge's plan and how far it got, in {@code <storage>/merge/journal.json} (issue 14: resumable).
 * The plan is the source's segments per device; each segment's {@link Cursor} is the point up to
 * which every frame of it is either stored here or was found here already. It is saved after each
 * merged segment is in the store, so a crash between the two re-reads frames that are then found
 * present: nothing is written twice. Written whole (temporary file, fsync, rename) or not at all.
 */
final class MergeJournal {
    static final String FILE = "journal.json";

    /** What was asked: {@code POST /api/merge}. */
    public record Job(String source, List<Long> devices, long from, long to) {
    }

    /**
     * How far one source segment is merged: source bytes and frames read, the last sequence seen,
     * frames written here and frames found here already, and the runs [first, last] of sequence
     * numbers the source had in the merge's time range (what verification checks against).
     */
    public record Cursor(long bytes, long frames, long lastSeq, long written, long present, List<long[]> runs) {
        static final Cursor START = new Cursor(0, 0, -1, 0, 0, List.of());
    }

    /** One source segment to merge. */
    public static final class Seg {
        public long firstSeq;
        public long lastSeq;
        public long frames;
        public long bytes;
        public Cursor done = Cursor.START;
        /** Where the copy is now, ahead of {@link #done} (progress only; not saved). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        volatile Cursor live;

        public Seg() {
        }

        Seg(SegmentInfo s) {
            firstSeq = s.firstSeq();
            lastSeq = s.lastSeq();
            frames = s.frames();
            bytes = s.bytes();
        }
    }

    /** One device: {@code pending}, {@code copying}, {@code verified}. */
    public static final class Device {
        public String state = "pending";
        public List<Seg> segments;
    }

    public Job job;
    /** {@code running}, {@code done} or {@code failed}. */
    public String state = "running";
    public String error;
    public long startedMillis;
    public long finishedMillis;
    public Map<Long, Device> devices = new LinkedHashMap<>();

    static MergeJournal start(Job job, long nowMillis) {
        MergeJournal j = new MergeJournal();
        j.job = job;
        j.startedMillis = nowMillis;
        for (long d : job.devices()) {
            j.devices.put(d, new Device());
        }
        return j;
    }

    /** The journal in {@code dir}, or null when there is none. */
    static MergeJournal load(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        return Files.exists(f) ? ManagementClient.MAPPER.readValue(f.toFile(), MergeJournal.class) : null;
    }

    void save(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        byte[] body = ManagementClient.MAPPER.writeValueAsBytes(this);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(body));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** What {@code GET /api/merge} shows: the job, its state, and per device bytes and frames done of total. */
    Map<String, Object> progress(long nowMillis) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", job.source());
        p.put("from", job.from());
        p.put("to", job.to());
        p.put("state", state);
        p.put("error", error);
        p.put("elapsedMs", (finishedMillis > 0 ? finishedMillis : nowMillis) - startedMillis);
        List<Map<String, Object>> ds = new ArrayList<>();
        devices.forEach((id, d) -> {
            long[] sum = new long[6];
            for (Seg s : d.segments == null ? List.<Seg>of() : d.segments) {
                Cursor c = s.live != null ? s.live : s.done;
                sum[0] += c.bytes();
                sum[1] += s.bytes;
                sum[2] += c.frames();
                sum[3] += s.frames;
                sum[4] += c.written();
                sum[5] += c.present();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", id);
            m.put("state", d.state);
            m.put("bytesDone", sum[0]);
            m.put("bytesTotal", d.segments == null ? null : sum[1]);
            m.put("framesDone", sum[2]);
            m.put("framesTotal", d.segments == null ? null : sum[3]);
            m.put("framesWritten", sum[4]);
            m.put("framesAlreadyPresent", sum[5]);
            ds.add(m);
        });
        p.put("devices", ds);
        return p;
    }
}
