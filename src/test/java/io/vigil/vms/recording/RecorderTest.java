package io.vigil.vms.recording;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The recorder applies configurations as differences and refuses devices it must not obey. */
class RecorderTest {
    @TempDir
    Path dir;

    private static DeviceConfig sim(long id, int fps, int kbps) {
        return new DeviceConfig(id, "Cam " + id, "simulated", null, fps, kbps, 24, true);
    }

    @Test
    void aDeviceOutOfRangeOrOfAnUnsupportedKindIsListedWithItsProblemAndNotRecorded() throws Exception {
        try (SegmentStore store = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC());
             Recorder r = new Recorder(store)) {
            r.apply(List.of(sim(1, 0, 100), sim(2, 10, 10_000_000),
                    new DeviceConfig(3, "Door", "mjpeg", "http://", 10, 100, 24, true),
                    new DeviceConfig(4, "Hall", "rtsp", "rtsp://10.0.0.9/s", 10, 100, 24, true)));
            var s = r.status();
            assertThat(s.get(1L).problem()).isEqualTo("fps 0 is not between 1 and 120; fix the device in the management server");
            assertThat(s.get(2L).problem())
                    .isEqualTo("bitrateKbps 10000000 is not between 16 and 100000; fix the device in the management server");
            assertThat(s.get(3L).problem()).isEqualTo("url 'http://' is not an http:// address of a camera");
            assertThat(s.get(4L).problem()).isEqualTo("kind 'rtsp' is not supported by this recording server yet"
                    + " (simulated and mjpeg are); the device is not recorded");
            assertThat(store.devices()).as("nothing recorded").isEmpty();
        }
    }

    @Test
    void anUnchangedDeviceKeepsRecordingAcrossANewConfigurationAndARemovedOneStops() throws Exception {
        try (SegmentStore store = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC());
             Recorder r = new Recorder(store)) {
            r.apply(List.of(sim(1, 50, 100), sim(2, 50, 100)));
            await().atMost(Duration.ofSeconds(30)).until(() -> store.lastSequence(1) >= 5 && store.lastSequence(2) >= 5);
            Frame before = r.latest(1);
            r.apply(List.of(sim(1, 50, 100)));
            assertThat(r.status()).containsOnlyKeys(1L);
            long stopped = store.lastSequence(2);
            await().atMost(Duration.ofSeconds(30)).until(() -> store.lastSequence(1) > before.sequence() + 5);
            assertThat(store.lastSequence(2)).as("device 2 stopped").isEqualTo(stopped);
            List<Long> seqs = new java.util.ArrayList<>();
            store.read(1, 0, Long.MAX_VALUE, f -> seqs.add(f.sequence()));
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("no restart of device 1: contiguous").isEqualTo(seqs.get(0) + i);
            }
        }
    }

    @Test
    void aLiveOnlyDeviceIsShownLiveButNeverStoredAndBecomesStoredWhenItsSupportChanges() throws Exception {
        try (SegmentStore store = SegmentStore.open(dir, 60_000, 1 << 20, Clock.systemUTC());
             Recorder r = new Recorder(store)) {
            r.apply(List.of(sim(1, 50, 100), sim(2, 50, 100)), java.util.Set.of(2L));
            await().atMost(Duration.ofSeconds(30)).until(() -> store.lastSequence(1) >= 5 && r.latest(2) != null
                    && r.latest(2).sequence() >= 5);
            assertThat(store.devices()).as("only the full device is stored").containsExactly(1L);
            assertThat(r.status().get(2L).stored()).isFalse();
            assertThat(r.status().get(1L).stored()).isTrue();

            r.apply(List.of(sim(1, 50, 100), sim(2, 50, 100)));
            await().atMost(Duration.ofSeconds(30)).until(() -> store.lastSequence(2) >= 5);
            assertThat(r.status().get(2L).stored()).isTrue();
            r.apply(List.of());
            assertThat(r.latest(1)).as("no stale frame passes for live video once stopped").isNull();
        }
    }

    @Test
    void aRunStartsAtTheClocksFrameSlotOrPastTheLastStoredFrame() {
        assertThat(Recorder.firstSequence(-1, 1_765_000_000_250L, 20)).isEqualTo(35_300_000_005L);
        assertThat(Recorder.firstSequence(-1, 999, 120)).isEqualTo(119);
        assertThat(Recorder.firstSequence(40_000_000_000L, 1_765_000_000_250L, 20)).as("never back")
                .isEqualTo(40_000_000_001L);
    }

    /**
     * A recording server and its failover server record one device in turn, as in a failover: R
     * until it dies, F from a moment later, R again while F still records (before the hand-back).
     * F continues past R's numbers by the time between; R back continues past F's first ones; a
     * number both hold is one moment (capture times within a few frames), so a merge fills in
     * without a clash.
     */
    @Test
    void aRecordingServerAndItsFailoverServerNumberOneMomentAlike() throws Exception {
        try (SegmentStore rs = SegmentStore.open(dir.resolve("r"), 60_000, 1 << 20, Clock.systemUTC());
             SegmentStore fs = SegmentStore.open(dir.resolve("f"), 60_000, 1 << 20, Clock.systemUTC())) {
            DeviceConfig cam = sim(1, 50, 100);
            Recorder r = new Recorder(rs);
            r.apply(List.of(cam));
            await().atMost(Duration.ofSeconds(30)).until(() -> rs.lastSequence(1) >= 0);
            long rFirst = rs.lastSequence(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> rs.lastSequence(1) >= rFirst + 10);
            r.close(); // the recording server dies
            long rLast = rs.lastSequence(1);
            Thread.sleep(300); // the detection gap: time that must show as missing numbers, not be awaited
            Recorder f = new Recorder(fs);
            f.apply(List.of(cam));
            await().atMost(Duration.ofSeconds(30)).until(() -> fs.lastSequence(1) >= 0);
            long fFirst = fs.lastSequence(1);
            assertThat(fFirst).as("the failover server continues past the detection gap").isGreaterThan(rLast + 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> fs.lastSequence(1) >= fFirst + 10);
            Recorder back = new Recorder(rs);
            back.apply(List.of(cam)); // back while the failover server still records
            await().atMost(Duration.ofSeconds(30)).until(() -> rs.lastSequence(1) > fFirst + 20);
            f.close();
            back.close();

            java.util.Map<Long, Long> rTimes = new java.util.HashMap<>();
            rs.read(1, 0, Long.MAX_VALUE, fr -> rTimes.put(fr.sequence(), fr.captureMillis()));
            List<Long> shared = new java.util.ArrayList<>();
            fs.read(1, 0, Long.MAX_VALUE, fr -> {
                Long t = rTimes.get(fr.sequence());
                if (t != null) {
                    shared.add(fr.sequence());
                    assertThat(Math.abs(t - fr.captureMillis())).as("frame %d: one moment on both", fr.sequence())
                            .isLessThan(1000);
                }
            });
            assertThat(shared).as("R back overlaps F's numbers: no gap at the return").isNotEmpty();
            assertThat(shared.get(0)).isGreaterThan(fFirst);
        }
    }
}
