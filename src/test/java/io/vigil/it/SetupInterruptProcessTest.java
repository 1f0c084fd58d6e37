package io.vigil.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ctrl-C (or the TERM a service manager sends) while `vigil setup secondary` waits for node 1 leaves
 * the node as it was and frees the port.
 */
@Tag("processes")
class SetupInterruptProcessTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCWhileWaitingWritesNothing() throws Exception {
        int pairing = freeTcp();
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "good.pass\n");
        Path out = dir.resolve("out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.vigil.cli.Main", "setup",
                "secondary", "--config", dir.resolve("etc/vigil.yaml").toString(), "--data-dir",
                dir.resolve("data").toString(), "--local", "node2", "--address", "127.0.0.1", "--loopback",
                "--password-file", pw.toString(), "--admin-port", Integer.toString(freeTcp()), "--console-port",
                Integer.toString(freeTcp()), "--pairing-port", Integer.toString(pairing))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("Security code: "));
            // SIGTERM, not SIGINT: a runner started in the background (nohup ... &) passes SIGINT on as
            // ignored, and the JVM then never sees it. Both end the JVM the same way (shutdown hooks, exit).
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(dir.resolve("etc")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
        try (ServerSocket again = new ServerSocket(pairing)) {
            assertThat(again.getLocalPort()).isEqualTo(pairing); // the pairing port is free again
        }
        assertThat(List.of(Files.readString(out).split("\n"))).noneMatch(l -> l.contains("paired with node 1"));
    }

    private static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
