package io.vigil.daemon;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SystemdNotifyTest {

    @Test
    void withoutNotifySocketNothingIsSent() {
        SystemdNotify n = SystemdNotify.of(Map.of());
        assertThat(n.enabled()).isFalse();
        assertThat(n.send("READY=1")).isFalse();
    }

    @Test
    void aMessageReachesTheSocketSystemdNames() {
        try (NotifySocket socket = new NotifySocket()) {
            SystemdNotify n = SystemdNotify.of(Map.of("NOTIFY_SOCKET", socket.name));
            assertThat(n.send("READY=1\nSTATUS=node 1 running")).isTrue();
            assertThat(socket.await("READY=1", Duration.ofSeconds(5))).isEqualTo("READY=1\nSTATUS=node 1 running");
        }
    }

    @Test
    void aSocketThatIsGoneIsReportedNotThrown() {
        SystemdNotify n = SystemdNotify.of(Map.of("NOTIFY_SOCKET", "@vigil-nobody-listens-here"));
        assertThat(n.send("WATCHDOG=1")).isFalse();
        SystemdNotify tooLong = SystemdNotify.of(Map.of("NOTIFY_SOCKET", "/" + "x".repeat(200)));
        assertThat(tooLong.send("READY=1")).isFalse();
    }

    @Test
    void socketAddressesFollowSockaddrUn() {
        byte[] path = SystemdNotify.address("/run/systemd/notify");
        assertThat(path).hasSize(2 + "/run/systemd/notify".length() + 1);
        assertThat(path[path.length - 1]).isZero();
        byte[] abstractName = SystemdNotify.address("@x");
        assertThat(abstractName).hasSize(2 + 2);
        assertThat(abstractName[2]).isZero();
        assertThat(abstractName[3]).isEqualTo((byte) 'x');
    }

    @Test
    void theWatchdogIntervalIsForThisProcessOnly() {
        assertThat(SystemdNotify.watchdogMicros(Map.of("WATCHDOG_USEC", "20000000"), 42)).contains(20_000_000L);
        assertThat(SystemdNotify.watchdogMicros(Map.of("WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "42"), 42))
                .contains(20_000_000L);
        assertThat(SystemdNotify.watchdogMicros(Map.of("WATCHDOG_USEC", "20000000", "WATCHDOG_PID", "7"), 42)).isEmpty();
        assertThat(SystemdNotify.watchdogMicros(Map.of("WATCHDOG_USEC", "soon"), 42)).isEmpty();
        assertThat(SystemdNotify.watchdogMicros(Map.of(), 42)).isEmpty();
    }

    @Test
    void aStuckEventLoopStopsThePings() {
        long stale = Duration.ofSeconds(10).toNanos();
        assertThat(SystemdWatchdog.healthy(1_000_000_000L, 999_000_000L, stale)).isTrue();
        assertThat(SystemdWatchdog.healthy(20_000_000_000L, 9_000_000_000L, stale)).isFalse();
    }

    @Test
    void pingsFlowWhileTheLoopAdvancesAndStopWhenItHangs() {
        try (NotifySocket socket = new NotifySocket()) {
            SystemdNotify n = SystemdNotify.of(Map.of("NOTIFY_SOCKET", socket.name));
            java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
            java.util.concurrent.atomic.AtomicBoolean advancing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread ticks = new Thread(() -> { // the event loop's ticks, every 5 ms
                while (advancing.get()) {
                    last.set(System.nanoTime());
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                }
            });
            ticks.start();
            try (SystemdWatchdog w = SystemdWatchdog.start(n, 40_000, last::get)) {
                // 40 ms interval: a ping every 20 ms while the loop advances.
                org.awaitility.Awaitility.await("pings while the loop advances").atMost(Duration.ofSeconds(10))
                        .until(() -> socket.count("WATCHDOG=1") >= 5);
                advancing.set(false); // the loop hangs
                // A ping already in flight may land; after that, none for many periods (20 ms each).
                long[] seen = {-1};
                org.awaitility.Awaitility.await("pings stop once the loop hangs").atMost(Duration.ofSeconds(5))
                        .during(Duration.ofMillis(400)).pollInterval(Duration.ofMillis(20))
                        .until(() -> {
                            long c = socket.count("WATCHDOG=1");
                            boolean same = c == seen[0];
                            seen[0] = c;
                            return same;
                        });
            } finally {
                advancing.set(false);
            }
        }
    }
}
