package io.vigil.console;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A console that cannot start stops the node from starting, with a message that says what to change. */
class ConsoleStartupTest {

    @Test
    void aConsolePortInUseIsNamedWithTheKeyToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> OneNode.start(Path.of("target/console-port-taken").toAbsolutePath(), "", "http",
                    taken.getLocalPort())).isInstanceOf(IOException.class)
                    .hasMessageContaining("the console cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("console.port");
        }
    }

    @Test
    void anEmptyPasswordFileIsRefusedBecauseThereIsNoDefault() throws Exception {
        Path dir = Path.of("target/console-empty-password").toAbsolutePath();
        io.vigil.demo.LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "\n");
        assertThatThrownBy(() -> OneNode.start(dir.resolve("node"), "", "http", OneNode.freeTcp(), empty))
                .isInstanceOf(io.vigil.config.ConfigException.class)
                .hasMessageContaining("console.passwordFile").hasMessageContaining("is empty");
    }

    @Test
    void aShortMetricsTokenIsRefusedNamingTheKeyAndHowToMakeOne() throws Exception {
        Path dir = Path.of("target/console-short-token").toAbsolutePath();
        io.vigil.demo.LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        Path token = dir.resolve("token");
        Files.writeString(token, "guessable\n");
        assertThatThrownBy(() -> OneNode.start(dir.resolve("node"), "  metricsTokenFile: " + token + "\n", "http",
                OneNode.freeTcp(), null))
                .isInstanceOf(io.vigil.config.ConfigException.class)
                .hasMessageContaining("console.metricsTokenFile").hasMessageContaining("9 characters")
                .hasMessageContaining("openssl rand").hasMessageNotContaining("guessable");
    }

    @Test
    void aPasswordFileHoldingTheHashLetsTheOperatorLogIn() throws Exception {
        Path dir = Path.of("target/console-hashed-password").toAbsolutePath();
        io.vigil.demo.LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        Path file = dir.resolve("hashed");
        Files.writeString(file, ConsoleServer.hashPassword("hashed secret 42") + "\n");
        try (OneNode node = OneNode.start(dir.resolve("node"), "", "http", OneNode.freeTcp(), file)) {
            ApiClient admin = new ApiClient(node.base).login("hashed secret 42");
            org.assertj.core.api.Assertions.assertThat(admin.get("/api/cluster").statusCode()).isEqualTo(200);
            org.assertj.core.api.Assertions.assertThat(new ApiClient(node.base).post("/api/login",
                    "{\"user\":\"admin\",\"password\":\"" + Files.readString(file).strip() + "\"}", false)
                    .statusCode()).as("the hash itself is not a password").isEqualTo(401);
        }
    }
}
