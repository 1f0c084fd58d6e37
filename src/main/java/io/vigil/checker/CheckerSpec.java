package io.vigil.checker;

import java.util.List;
import java.util.Objects;

/**
 * What to probe and how to judge it. Build with {@link #process()}, {@link #tcp}, {@link #http}
 * or {@link #command}, which apply the defaults below, then adjust with the {@code with...}
 * methods. The canonical constructor validates and names the bad field.
 *
 * @param fall    consecutive failed probes before the checker reports "failed"
 * @param rise    consecutive good probes before a failed checker reports "recovered"
 * @param graceMs warm-up after the checker starts during which failures don't count, because
 *                a freshly started service may open its port late (keepalived "warmup")
 */
public record CheckerSpec(Type type, String host, int port, String url, int expectStatus,
                          List<String> command, long intervalMs, long timeoutMs,
                          int fall, int rise, long graceMs) {

    public enum Type { PROCESS, TCP, HTTP, COMMAND }

    public static final int DEFAULT_EXPECT_STATUS = 200;
    public static final long DEFAULT_INTERVAL_MS = 1000;
    public static final long DEFAULT_TIMEOUT_MS = 1000;
    public static final int DEFAULT_FALL = 3;
    public static final int DEFAULT_RISE = 2;
    public static final long DEFAULT_GRACE_MS = 5000;

    public CheckerSpec {
        Objects.requireNonNull(type, "checker type");
        command = command == null ? List.of() : List.copyOf(command);
        switch (type) {
            case TCP -> {
                require(host != null && !host.isBlank(), "TCP checker: host is required");
                require(port > 0 && port < 65536, "TCP checker: port must be 1-65535, got " + port);
            }
            case HTTP -> {
                require(url != null && (url.startsWith("http://") || url.startsWith("https://")),
                        "HTTP checker: url must start with http:// or https://, got " + url);
                require(expectStatus >= 100 && expectStatus < 600,
                        "HTTP checker: expectStatus must be 100-599, got " + expectStatus);
            }
            case COMMAND -> require(!command.isEmpty(), "COMMAND checker: command is required");
            case PROCESS -> { }
        }
        require(intervalMs > 0, type + " checker: intervalMs must be > 0, got " + intervalMs);
        require(timeoutMs > 0, type + " checker: timeoutMs must be > 0, got " + timeoutMs);
        require(fall >= 1, type + " checker: fall must be >= 1, got " + fall);
        require(rise >= 1, type + " checker: rise must be >= 1, got " + rise);
        require(graceMs >= 0, type + " checker: graceMs must be >= 0, got " + graceMs);
    }

    public static CheckerSpec process() {
        return of(Type.PROCESS, null, 0, null, List.of());
    }

    public static CheckerSpec tcp(String host, int port) {
        return of(Type.TCP, host, port, null, List.of());
    }

    public static CheckerSpec http(String url) {
        return of(Type.HTTP, null, 0, url, List.of());
    }

    public static CheckerSpec command(List<String> command) {
        return of(Type.COMMAND, null, 0, null, command);
    }

    public CheckerSpec withExpectStatus(int status) {
        return new CheckerSpec(type, host, port, url, status, command, intervalMs, timeoutMs, fall, rise, graceMs);
    }

    public CheckerSpec withTiming(long interval, long timeout) {
        return new CheckerSpec(type, host, port, url, expectStatus, command, interval, timeout, fall, rise, graceMs);
    }

    public CheckerSpec withPolicy(int fallCount, int riseCount, long grace) {
        return new CheckerSpec(type, host, port, url, expectStatus, command, intervalMs, timeoutMs,
                fallCount, riseCount, grace);
    }

    /** Short name for logs and status, e.g. {@code TCP 127.0.0.1:5432}. */
    public String describe() {
        return switch (type) {
            case PROCESS -> "PROCESS";
            case TCP -> "TCP " + host + ":" + port;
            case HTTP -> "HTTP " + url;
            case COMMAND -> "COMMAND " + String.join(" ", command);
        };
    }

    private static CheckerSpec of(Type type, String host, int port, String url, List<String> command) {
        return new CheckerSpec(type, host, port, url, DEFAULT_EXPECT_STATUS, command, DEFAULT_INTERVAL_MS,
                DEFAULT_TIMEOUT_MS, DEFAULT_FALL, DEFAULT_RISE, DEFAULT_GRACE_MS);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
