package io.vigil.vms.recording;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A real full disk: a 512 KiB tmpfs (needs root, as CI and the lead's machine run). */
class DiskFullTest {
    @TempDir
    Path tmp;
    private Path disk;

    /** A clock the test moves, so the store's retry pause passes without a sleep. */
    static final class TestClock extends Clock {
        volatile long millis = Instant.parse("2026-12-07T10:00:00Z").toEpochMilli();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @BeforeEach
    void mount() throws Exception {
        disk = Files.createDirectory(tmp.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        assumeTrue(p.waitFor() == 0, "mounting a tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", disk.toString()).start().waitFor();
    }

    @Test
    void aFullDiskRaisesTheAlarmDropsFramesWholeAndRecordingResumesWhenSpaceReturns() throws Exception {
        Path filler = disk.resolve("filler");
        Files.write(filler, new byte[256 * 1024]);
        TestClock clock = new TestClock();
        try (SegmentStore s = SegmentStore.open(disk, 60_000, 1 << 30, clock)) {
            long seq = 0;
            while (s.append(new Frame(1, seq, clock.millis(), new byte[10_000]))) {
                seq++;
                clock.millis += 40;
            }
            long stored = seq;
            assertThat(stored).as("some frames fit").isPositive();
            assertThat(s.alarm()).isEqualTo("cannot write to " + disk.resolve("devices")
                    + ": No space left on device; frames are dropped until a write succeeds:"
                    + " free space or lower the devices' retentionHours");
            assertThat(s.append(new Frame(1, ++seq, clock.millis(), new byte[10]))).as("within the retry pause").isFalse();
            assertThat(s.droppedFrames()).isEqualTo(2);
            assertWhole(disk.resolve("devices/1"), s);

            Files.delete(filler);
            clock.millis += SegmentStore.RETRY_MILLIS;
            assertThat(s.append(new Frame(1, ++seq, clock.millis(), new byte[10_000]))).isTrue();
            assertThat(s.alarm()).isNull();
            List<Long> seqs = new ArrayList<>();
            s.read(1, 0, Long.MAX_VALUE, f -> seqs.add(f.sequence()));
            assertThat(seqs).hasSize((int) stored + 1).endsWith(seq);
            assertThat(Spans.of(s.segments(1))).as("the loss shows as a gap between two spans").hasSize(2);
        }
    }

    /** Every segment on the disk holds whole frames only, as a restart would find them. */
    private static void assertWhole(Path dir, SegmentStore s) throws Exception {
        long indexed = s.segments(1).stream().mapToLong(SegmentInfo::bytes).sum();
        long onDisk = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".seg")).toList()) {
                onDisk += Files.size(p);
            }
        }
        assertThat(onDisk).as("no partial frame left on disk").isEqualTo(indexed);
    }
}
