package io.vigil.log;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RejectionSummaryTest {
    private long now;
    private final RejectionSummary summary = new RejectionSummary("datagrams", 10_000, () -> now);

    @Test
    void oneLinePerIntervalCountsByReasonAndSource() {
        for (int i = 0; i < 1200; i++) {
            summary.record("heartbeat BAD_MAC", "10.0.0.9", "BAD_MAC: HMAC does not match");
        }
        for (int i = 0; i < 34; i++) {
            summary.record("heartbeat BAD_MAGIC", "10.0.0.7", "BAD_MAGIC: not a heartbeat");
        }
        now += 9_999_000_000L;
        assertThat(summary.drainIfDue()).as("not yet due").isEmpty();
        now += 1_000_000L;
        assertThat(summary.drainIfDue()).hasValue("rejected 1234 datagrams in 10 s: 1200 heartbeat BAD_MAC from "
                + "10.0.0.9, 34 heartbeat BAD_MAGIC from 10.0.0.7; last: BAD_MAGIC: not a heartbeat");
        now += 20_000_000_000L;
        assertThat(summary.drainIfDue()).as("nothing new").isEmpty();
    }

    @Test
    void manySpoofedSourcesAreCountedInBoundedMemory() {
        for (int i = 0; i < 100_000; i++) {
            summary.record("heartbeat BAD_MAC", "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), "x");
        }
        now += 10_000_000_000L;
        Optional<String> line = summary.drainIfDue();
        assertThat(line).isPresent();
        assertThat(line.get()).startsWith("rejected 100000 datagrams in 10 s: ")
                .contains("heartbeat BAD_MAC from other sources")
                .contains("more in " + (RejectionSummary.MAX_KEYS + 1 - RejectionSummary.SHOWN) + " other groups");
        assertThat(line.get().length()).isLessThan(1_000);
    }

    @Test
    void aLongDetailIsCut() {
        summary.record("witness malformed", "10.0.0.1", "y".repeat(5_000));
        now += 10_000_000_000L;
        assertThat(summary.drainIfDue().orElseThrow().length()).isLessThan(500);
    }
}
