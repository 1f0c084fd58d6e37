package io.vigil.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProbesTest {

    @Test
    void tcp_probe_succeeds_on_a_listening_port_and_fails_on_a_closed_one() throws Exception {
        int closedPort;
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            ProbeResult ok = new TcpProbe("127.0.0.1", server.getLocalPort(), 500).probe();
            assertThat(ok.ok()).isTrue();
            closedPort = server.getLocalPort();
        }
        ProbeResult failed = new TcpProbe("127.0.0.1", closedPort, 500).probe();
        assertThat(failed.ok()).isFalse();
        assertThat(failed.detail()).contains("127.0.0.1:" + closedPort);
    }

    @Test
    void http_probe_requires_the_expected_status() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
            assertThat(new HttpProbe(url, 200, 2000).probe().ok()).isTrue();
            status.set(503);
            ProbeResult failed = new HttpProbe(url, 200, 2000).probe();
            assertThat(failed.ok()).isFalse();
            assertThat(failed.detail()).contains("503").contains("expected 200");
            assertThat(new HttpProbe(url, 503, 2000).probe().ok()).isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void command_probe_is_ok_on_exit_zero_only() {
        assertThat(new CommandProbe(List.of("true"), 5000).probe().ok()).isTrue();
        ProbeResult failed = new CommandProbe(List.of("sh", "-c", "exit 4"), 5000).probe();
        assertThat(failed.ok()).isFalse();
        assertThat(failed.detail()).contains("exited with code 4");
        assertThat(new CommandProbe(List.of("/nonexistent/vigil-check"), 5000).probe().ok()).isFalse();
    }

    @Test
    void command_probe_kills_a_command_that_outlives_its_timeout() {
        long started = System.nanoTime();
        ProbeResult result = new CommandProbe(List.of("sleep", "30"), 200).probe();
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).contains("timed out after 200 ms");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
    }

    @Test
    void process_probe_follows_the_supplied_process() throws Exception {
        assertThat(new ProcessAliveProbe(() -> null).probe().ok()).isFalse();
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(new ProcessAliveProbe(() -> sleeper).probe().ok()).isTrue();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        ProbeResult dead = new ProcessAliveProbe(() -> sleeper).probe();
        assertThat(dead.ok()).isFalse();
        assertThat(dead.detail()).contains("exited with code");
    }

    @Test
    void probe_of_builds_the_probe_for_the_spec_type() {
        assertThat(Probe.of(CheckerSpec.tcp("h", 1), () -> null)).isInstanceOf(TcpProbe.class);
        assertThat(Probe.of(CheckerSpec.http("http://h/"), () -> null)).isInstanceOf(HttpProbe.class);
        assertThat(Probe.of(CheckerSpec.command(List.of("true")), () -> null)).isInstanceOf(CommandProbe.class);
        assertThat(Probe.of(CheckerSpec.process(), () -> null)).isInstanceOf(ProcessAliveProbe.class);
    }

    @Test
    void spec_validation_names_the_bad_field() {
        assertThatThrownBy(() -> CheckerSpec.tcp("db", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> CheckerSpec.http("ftp://x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url");
        assertThatThrownBy(() -> CheckerSpec.command(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("command");
        assertThatThrownBy(() -> CheckerSpec.process().withPolicy(0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fall");
        CheckerSpec defaults = CheckerSpec.http("http://h/");
        assertThat(defaults.expectStatus()).isEqualTo(200);
        assertThat(defaults.intervalMs()).isEqualTo(1000);
        assertThat(defaults.fall()).isEqualTo(3);
        assertThat(defaults.rise()).isEqualTo(2);
        assertThat(defaults.graceMs()).isEqualTo(5000);
    }
}
