package io.vigil.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 8: the watchdog ran its fence command (removing the virtual IP, built from
 * vip.interface) with `sh -c` as root. It now runs an argument list: shell syntax in an
 * argument stays one literal argument.
 */
class WatchdogFenceTest {

    @TempDir
    Path dir;

    @Test
    void aFenceCommandRunsWithoutAShell() throws Exception {
        Path literal = dir.resolve("a b; touch injected");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "io.vigil.daemon.WatchdogMain").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            String argv = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                    List.of("touch", literal.toString()));
            in.write(("fence " + argv + "\n").getBytes(StandardCharsets.UTF_8));
        }
        // stdin closed: the watchdog treats it as the daemon's exit and fires.
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("fired the node daemon exited");
        assertThat(literal).as(out).exists();
        assertThat(dir.resolve("injected")).doesNotExist();
        assertThat(dir.resolve("a")).doesNotExist();
    }
}
