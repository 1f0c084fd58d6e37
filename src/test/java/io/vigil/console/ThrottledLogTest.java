package io.vigil.console;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottledLogTest {

    private final AtomicLong now = new AtomicLong(5_000);
    private final List<String> lines = new ArrayList<>();
    private final ThrottledLog log = new ThrottledLog(lines::add, 3, 10_000, now::get);

    @Test
    void aFloodWritesTheFirstLinesOfEachWindowAndThenOneSummary() {
        for (int i = 0; i < 1000; i++) {
            log.accept("failed " + i);
        }
        assertThat(lines).containsExactly("failed 0", "failed 1", "failed 2");
        now.addAndGet(10_000);
        log.accept("failed late");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(3)).startsWith("console: 997 more failed logins or wrong tokens were not logged");
        assertThat(lines.get(4)).isEqualTo("failed late");
    }

    @Test
    void aQuietWindowWritesNoSummary() {
        log.accept("one");
        now.addAndGet(20_000);
        log.accept("two");
        assertThat(lines).containsExactly("one", "two");
    }
}
