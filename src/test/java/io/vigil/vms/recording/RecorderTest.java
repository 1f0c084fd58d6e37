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
                assertThat(seqs.get(i)).as("no restart of device 1: contiguous from 0").isEqualTo(i);
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
}
