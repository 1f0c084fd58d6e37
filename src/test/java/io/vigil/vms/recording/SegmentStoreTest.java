package io.vigil.vms.recording;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentStoreTest {
    private static final long T0 = Instant.parse("2026-12-07T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;

    private static Frame frame(long device, long seq, long millis, int bytes) {
        return new Frame(device, seq, millis, new byte[bytes]);
    }

    private static List<Long> sequences(SegmentStore s, long device, long from, long to) throws IOException {
        List<Long> seqs = new ArrayList<>();
        s.read(device, from, to, f -> seqs.add(f.sequence()));
        return seqs;
    }

    @Test
    void framesAreReadBackInOrderAcrossSegmentsAndOnlyInTheRange() throws Exception {
        try (SegmentStore s = SegmentStore.open(dir, 1000, 1 << 20, Clock.systemUTC())) {
            for (long i = 0; i < 100; i++) {
                assertThat(s.append(frame(3, i, T0 + i * 100, 50))).isTrue();
            }
            assertThat(s.segments(3)).as("one segment a second").hasSize(10);
            assertThat(sequences(s, 3, T0, T0 + 100_000)).hasSize(100).isSorted();
            assertThat(sequences(s, 3, T0 + 2_000, T0 + 2_950)).containsExactly(20L, 21L, 22L, 23L, 24L, 25L, 26L, 27L,
                    28L, 29L);
            assertThat(Spans.of(s.segments(3))).hasSize(1);
        }
    }

    @Test
    void aRestartRebuildsTheIndexFromTheSegmentsAndCutsATornTail() throws Exception {
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            for (long i = 0; i < 10; i++) {
                s.append(frame(3, i, T0 + i, 1000));
            }
            // no close: as after kill -9, the open segment has no summary
        }
        Path seg = dir.resolve("devices/3/00000000000000000000.seg");
        Files.deleteIfExists(SegmentInfo.summaryOf(seg)); // close() wrote one; a crash would not have
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x56, 0x47, 0x46, 0x52, 0, 0, 0})); // a frame torn mid-header
        }
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            assertThat(s.lastSequence(3)).isEqualTo(9);
            assertThat(sequences(s, 3, T0, T0 + 1000)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(Files.size(seg)).as("torn tail cut off").isEqualTo(10 * (FrameCodec.HEADER_BYTES + 1000L));
            assertThat(SegmentInfo.readSummary(seg)).as("summary written after the scan").isNotNull();
            assertThat(s.append(frame(3, 10, T0 + 20, 10))).isTrue();
            assertThat(s.segments(3)).as("a new segment after a restart").hasSize(2);
            assertThat(Spans.of(s.segments(3))).as("contiguous: one span").hasSize(1);
        }
    }

    @Test
    void aStaleSummaryIsNotTrusted() throws Exception {
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            for (long i = 0; i < 5; i++) {
                s.append(frame(4, i, T0 + i, 10));
            }
        }
        Path seg = dir.resolve("devices/4/00000000000000000000.seg");
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(3 * (FrameCodec.HEADER_BYTES + 10L) + 5); // the disk lost the end after the summary
        }
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            assertThat(s.segments(4)).singleElement().satisfies(i -> {
                assertThat(i.lastSeq()).isEqualTo(2);
                assertThat(i.frames()).isEqualTo(3);
            });
        }
    }

    @Test
    void aFrameOutOfSequenceIsABug() throws Exception {
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            s.append(frame(1, 5, T0, 1));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.append(frame(1, 5, T0, 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("device 1: frame 5 is not after frame 5");
        }
    }

    @Test
    void retentionDeletesClosedSegmentsOlderThanTheDevicesHours() throws Exception {
        Clock in3h = Clock.fixed(Instant.ofEpochMilli(T0 + 3 * 3_600_000L - 30_000), ZoneOffset.UTC);
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, in3h)) {
            for (long m = 0; m < 5; m++) {
                s.append(frame(2, m, T0 + m * 3_600_000L / 2, 10)); // a frame every half hour, a segment each
            }
            assertThat(s.segments(2)).hasSize(5);
            assertThat(s.enforceRetention(2, 2)).as("segments ending before now - 2 h").isEqualTo(2);
            assertThat(s.segments(2)).extracting(SegmentInfo::firstSeq).containsExactly(2L, 3L, 4L);
            try (var files = Files.list(dir.resolve("devices/2"))) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                        "00000000000000000002.idx", "00000000000000000002.seg", "00000000000000000003.idx",
                        "00000000000000000003.seg", "00000000000000000004.seg");
            }
        }
    }

    @Test
    void aGapInTheSequenceStartsANewSegmentSoEverySegmentIsARunWithoutAGap() throws Exception {
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            for (long seq : new long[] {0, 1, 2, 5, 6, 9}) {
                s.append(frame(6, seq, T0 + seq, 10));
            }
            assertThat(s.segments(6)).extracting(i -> i.firstSeq() + "-" + i.lastSeq() + "/" + i.frames())
                    .containsExactly("0-2/3", "5-6/2", "9-9/1");
        }
    }

    @Test
    void aMergedSegmentFillsAHoleAndOneThatOverlapsOrFollowsTheOpenSegmentIsRefused() throws Exception {
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            for (long seq : new long[] {0, 1, 2, 8, 9}) {
                s.append(frame(6, seq, T0 + seq, 10));
            }
            s.insert(6, written(3, 5), info(3, 5));
            assertThat(sequences(s, 6, T0, T0 + 100)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 8L, 9L);
            Path overlapping = written(5, 6);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.insert(6, overlapping, info(5, 6)))
                    .hasMessage("device 6: frames 5-6 overlap the stored segment 3-5");
            Path after = written(12, 13);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.insert(6, after, info(12, 13)))
                    .hasMessage("device 6: frames 12-13 come after the segment being recorded (from 8)");
            s.append(frame(6, 10, T0 + 10, 10));
        }
        try (SegmentStore s = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC())) {
            assertThat(sequences(s, 6, T0, T0 + 100)).as("after a restart").containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 8L,
                    9L, 10L);
        }
    }

    private Path written(long first, long last) throws IOException {
        Path f = dir.resolve("merge-" + first + ".seg");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long seq = first; seq <= last; seq++) {
                Frame fr = frame(6, seq, T0 + seq, 10);
                ch.write(new java.nio.ByteBuffer[] {FrameCodec.header(fr), java.nio.ByteBuffer.wrap(fr.payload())});
            }
        }
        return f;
    }

    private SegmentInfo info(long first, long last) {
        SegmentInfo i = SegmentInfo.first(dir.resolve("merge-" + first + ".seg"), frame(6, first, T0 + first, 10));
        for (long seq = first + 1; seq <= last; seq++) {
            i = i.plus(frame(6, seq, T0 + seq, 10));
        }
        return i;
    }
}
