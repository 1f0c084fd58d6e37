package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The merge on real directories (issue 14): a target store with frames 0-99 and 200-299 of device
 * 5, a source store with 50-249 (both ends overlap, as when a link went down but the recording
 * server kept recording). Only 100-199 may be written; interrupted merges continue without writing
 * anything twice; a source that lies ends the merge with the reason.
 */
class MergerTest {
    static final long DEV = 5;
    static final long T0 = 1_796_000_000_000L;
    static final long SEG_BYTES = 20 * 1036; // 20 frames of 1000 bytes a segment

    @TempDir
    Path tmp;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static Frame frame(long seq) {
        byte[] p = new byte[1000];
        ByteBuffer.wrap(p).putLong(seq).putLong(DEV);
        return new Frame(DEV, seq, T0 + seq * 40, p);
    }

    private SegmentStore store(String name, long... ranges) throws IOException {
        SegmentStore s = SegmentStore.open(tmp.resolve(name), 3_600_000, SEG_BYTES, Clock.systemUTC());
        for (int i = 0; i < ranges.length; i += 2) {
            for (long seq = ranges[i]; seq <= ranges[i + 1]; seq++) {
                assertThat(s.append(frame(seq))).isTrue();
            }
        }
        s.roll(DEV);
        open.add(s);
        return s;
    }

    private Merger merger(SegmentStore target, MergeSource source) throws IOException {
        Merger m = new Merger(target, tmp.resolve("target"), SEG_BYTES, uri -> source, Clock.systemUTC());
        m.resume();
        open.add(m);
        return m;
    }

    private static MergeJournal.Job job() {
        return new MergeJournal.Job("http://failover.test:7563/", List.of(DEV), T0, T0 + 3_600_000);
    }

    private static List<Long> sequences(SegmentStore s) throws IOException {
        List<Long> seqs = new ArrayList<>();
        s.read(DEV, 0, Long.MAX_VALUE, f -> {
            assertThat(f.payload()).as("frame %d", f.sequence()).isEqualTo(frame(f.sequence()).payload());
            seqs.add(f.sequence());
        });
        return seqs;
    }

    private static List<Long> range(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    private static JsonNode progress(Merger m) {
        return ManagementClient.MAPPER.valueToTree(m.progress());
    }

    private static void awaitState(Merger m, String state) {
        await().atMost(Duration.ofSeconds(60)).until(() -> state.equals(progress(m).path("state").asText()));
    }

    @Test
    void onlyTheFramesTheTargetLacksAreWrittenAndTheResultIsVerified() throws Exception {
        SegmentStore target = store("target", 0, 99, 200, 299);
        Merger m = merger(target, new StoreSource(store("source", 50, 249)));
        m.start(job());
        awaitState(m, "done");

        assertThat(sequences(target)).isEqualTo(range(0, 299));
        JsonNode d = progress(m).path("devices").get(0);
        assertThat(d.path("state").asText()).isEqualTo("verified");
        assertThat(d.path("framesWritten").asLong()).isEqualTo(100);
        assertThat(d.path("framesAlreadyPresent").asLong()).isEqualTo(100);
        assertThat(d.path("framesDone").asLong()).isEqualTo(d.path("framesTotal").asLong()).isEqualTo(200);
        assertThat(d.path("bytesDone").asLong()).isEqualTo(d.path("bytesTotal").asLong()).isEqualTo(200 * 1036);
        assertThat(Spans.of(target.segments(DEV))).as("one run without a gap").hasSize(1);
        target.close();
        try (SegmentStore again = SegmentStore.open(tmp.resolve("target"), 3_600_000, SEG_BYTES, Clock.systemUTC())) {
            assertThat(sequences(again)).as("the merged segments survive a restart").isEqualTo(range(0, 299));
        }
    }

    @Test
    void aMergeStoppedMidWayContinuesAtTheNextStartWithoutReadingOrWritingAnythingTwice() throws Exception {
        SegmentStore target = store("target", 0, 99, 200, 299);
        StoreSource good = new StoreSource(store("source", 50, 249));
        CountDownLatch blocked = new CountDownLatch(1);
        // The source dies after 150 frames: the 8th segment (frames 190-209) never comes.
        MergeSource dying = new StoreSource(good.store) {
            @Override
            public InputStream segment(long deviceId, long firstSeq, long offset) throws IOException {
                if (firstSeq >= 190) {
                    blocked.countDown();
                    throw new java.net.ConnectException("Connection refused");
                }
                return super.segment(deviceId, firstSeq, offset);
            }
        };
        Merger first = merger(target, dying);
        first.start(job());
        blocked.await();
        await().atMost(Duration.ofSeconds(60)).until(() -> progress(first).path("error").asText()
                .startsWith("waiting for the source http://failover.test:7563/: Connection refused (attempt "));
        assertThat(progress(first).path("state").asText()).isEqualTo("running");
        first.close(); // the server stops (a kill -9 is the test below: journal behind the store)

        Merger second = merger(target, good);
        awaitState(second, "done");
        assertThat(sequences(target)).isEqualTo(range(0, 299));
        assertThat(good.fetched).as("only the segments not merged before are read again")
                .allMatch(firstSeq -> firstSeq >= 190);
        JsonNode d = progress(second).path("devices").get(0);
        assertThat(d.path("framesWritten").asLong()).isEqualTo(100);
        assertThat(d.path("framesAlreadyPresent").asLong()).isEqualTo(100);
    }

    @Test
    void anAnswerBrokenOffInsideAFrameIsReadAgainFromTheLastStoredFrame() throws Exception {
        SegmentStore target = store("target", 0, 99);
        java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger();
        StoreSource cutOnce = new StoreSource(store("source", 100, 159)) {
            @Override
            public InputStream segment(long deviceId, long firstSeq, long offset) throws IOException {
                InputStream all = super.segment(deviceId, firstSeq, offset);
                // The source dies 5000 bytes into segment 120 (inside its 5th frame), once.
                return firstSeq == 120 && cuts.getAndIncrement() == 0 ? new ByteArrayInputStream(all.readNBytes(5000))
                        : all;
            }
        };
        Merger m = merger(target, cutOnce);
        m.start(job());
        awaitState(m, "done");
        assertThat(cuts.get()).isEqualTo(2);
        assertThat(sequences(target)).isEqualTo(range(0, 159));
        assertThat(progress(m).path("devices").get(0).path("framesWritten").asLong()).isEqualTo(60);
    }

    @Test
    void aJournalBehindTheStoreLikeAfterAKillBetweenTheTwoWritesCopiesNothingAgain() throws Exception {
        SegmentStore target = store("target", 0, 99, 200, 299);
        StoreSource source = new StoreSource(store("source", 50, 249));
        Merger first = merger(target, source);
        first.start(job());
        awaitState(first, "done");
        first.close();
        List<String> files = files(tmp.resolve("target/devices/5"));

        // Put the journal back to where it was before the first segment was merged.
        Path journal = tmp.resolve("target/merge/journal.json");
        MergeJournal j = MergeJournal.load(journal.getParent());
        j.state = "running";
        j.finishedMillis = 0;
        j.devices.values().forEach(d -> {
            d.state = "copying";
            d.segments.forEach(s -> s.done = MergeJournal.Cursor.START);
        });
        j.save(journal.getParent());

        Merger second = merger(target, source);
        awaitState(second, "done");
        JsonNode d = progress(second).path("devices").get(0);
        assertThat(d.path("framesWritten").asLong()).isZero();
        assertThat(d.path("framesAlreadyPresent").asLong()).isEqualTo(200);
        assertThat(files(tmp.resolve("target/devices/5"))).isEqualTo(files);
        assertThat(sequences(target)).isEqualTo(range(0, 299));
    }

    @Test
    void aSourceThatLeavesOutAFrameItListedFailsTheMerge() throws Exception {
        SegmentStore target = store("target", 0, 99);
        Merger m = merger(target, lying(store("source", 100, 159), frames -> {
            frames.removeIf(f -> f.sequence() == 125);
            return frames;
        }));
        m.start(job());
        awaitState(m, "failed");
        assertThat(progress(m).path("error").asText()).isEqualTo("the source sent 19 frames (19684 bytes, last 139)"
                + " where it listed 20 frames 120-139 (20720 bytes) in segment 120 of device 5; nothing more is"
                + " merged: check the failover server's recordings (GET /devices there)");
        assertThat(sequences(target)).as("what came before the lie is kept, verified segment by segment")
                .isEqualTo(range(0, 124));
    }

    @Test
    void aSourceThatSendsAFrameTwiceFailsTheMerge() throws Exception {
        SegmentStore target = store("target", 0, 99);
        Merger m = merger(target, lying(store("source", 100, 159), frames -> {
            frames.add(6, frames.get(5));
            return frames;
        }));
        m.start(job());
        awaitState(m, "failed");
        assertThat(progress(m).path("error").asText()).startsWith("the source sent frame 105 after frame 105"
                + " (twice or out of order) in segment 100 of device 5");
        assertThat(sequences(target)).as("frames 100-104 were not stored yet: nothing half-merged")
                .isEqualTo(range(0, 99));
    }

    @Test
    void aSourceThatSendsADamagedFrameFailsTheMerge() throws Exception {
        SegmentStore target = store("target", 0, 99);
        Merger m = merger(target, lying(store("source", 100, 119), frames -> frames, true)); // breaks frame 103's checksum
        m.start(job());
        awaitState(m, "failed");
        assertThat(progress(m).path("error").asText()).startsWith("the source sent a damaged frame after byte 3108:"
                + " frame 103 fails its checksum in segment 100 of device 5");
        assertThat(sequences(target)).isEqualTo(range(0, 99));
    }

    @Test
    void playbackIsStitchedFromTheSourceUntilTheMergeIsDone() throws Exception {
        SegmentStore target = store("target", 0, 99, 200, 299);
        CountDownLatch release = new CountDownLatch(1);
        MergeSource held = new StoreSource(store("source", 50, 249)) {
            @Override
            public InputStream segment(long deviceId, long firstSeq, long offset) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                return super.segment(deviceId, firstSeq, offset);
            }
        };
        Merger m = merger(target, held);
        m.start(job());
        List<Long> seen = new ArrayList<>();
        String note;
        try (StitchedPlayback p = StitchedPlayback.open(target, m, DEV, T0, T0 + 3_600_000)) {
            note = p.note();
            p.read(f -> {
                assertThat(f.payload()).isEqualTo(frame(f.sequence()).payload());
                seen.add(f.sequence());
            });
        }
        assertThat(note).isEqualTo("merge pending: frames not merged yet come from local store");
        assertThat(seen).isEqualTo(range(0, 299));
        try (StitchedPlayback p = StitchedPlayback.open(target, m, DEV, T0 + 120 * 40, T0 + 130 * 40)) {
            List<Long> part = new ArrayList<>();
            p.read(f -> part.add(f.sequence()));
            assertThat(part).isEqualTo(range(120, 130));
        }
        release.countDown();
        awaitState(m, "done");
        try (StitchedPlayback p = StitchedPlayback.open(target, m, DEV, T0, T0 + 3_600_000)) {
            assertThat(p.note()).as("after the merge, from this store alone").isNull();
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static MergeSource lying(SegmentStore store, UnaryOperator<List<Frame>> change) {
        return lying(store, change, false);
    }

    /** Serves the store's listing truthfully but changes the frames of its segments. */
    private static MergeSource lying(SegmentStore store, UnaryOperator<List<Frame>> change, boolean badCrc) {
        return new StoreSource(store) {
            @Override
            public InputStream segment(long deviceId, long firstSeq, long offset) throws IOException {
                List<Frame> frames = new ArrayList<>();
                FrameCodec.readAll(super.segment(deviceId, firstSeq, 0), frames::add);
                List<Frame> changed = change.apply(frames);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (Frame f : changed) {
                    ByteBuffer h = FrameCodec.header(f);
                    if (badCrc && f.sequence() == 103) {
                        h.putInt(32, h.getInt(32) ^ 1);
                    }
                    out.write(h.array());
                    out.write(f.payload());
                }
                byte[] all = out.toByteArray();
                return new ByteArrayInputStream(all, (int) offset, all.length - (int) offset);
            }
        };
    }

    /** A source read straight from a store on disk (the HTTP one is {@link MergeHttpTest}'s). */
    static class StoreSource implements MergeSource {
        final SegmentStore store;
        final List<Long> fetched = new CopyOnWriteArrayList<>();

        StoreSource(SegmentStore store) {
            this.store = store;
        }

        @Override
        public List<SegmentInfo> segments(long deviceId, long from, long to) throws IOException {
            return store.segments(deviceId).stream().filter(s -> s.overlaps(from, to)).toList();
        }

        @Override
        public InputStream segment(long deviceId, long firstSeq, long offset) throws IOException {
            fetched.add(firstSeq);
            SegmentInfo s = store.segments(deviceId).stream().filter(x -> x.firstSeq() == firstSeq).findFirst()
                    .orElseThrow();
            byte[] all = Files.readAllBytes(s.file());
            return new ByteArrayInputStream(all, (int) offset, (int) (s.bytes() - offset));
        }

        @Override
        public InputStream playback(long deviceId, long from, long to) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.read(deviceId, from, to, f -> {
                out.writeBytes(FrameCodec.header(f).array());
                out.writeBytes(f.payload());
            });
            return new ByteArrayInputStream(out.toByteArray());
        }

        @Override
        public String describe() {
            return "local store";
        }
    }
}
