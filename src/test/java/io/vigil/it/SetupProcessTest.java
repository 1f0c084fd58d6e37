package io.vigil.it;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;
import io.vigil.config.VigilConfig;
import io.vigil.console.ConsoleServer;
import io.vigil.core.NodeState;
import io.vigil.setup.LocalNode;
import io.vigil.setup.NodeStart;
import io.vigil.setup.Prerequisites;
import io.vigil.setup.PrimaryStep;
import io.vigil.setup.SecondaryStep;
import io.vigil.setup.SecurityCode;
import io.vigil.setup.SetupException;
import io.vigil.setup.SystemNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The three setup steps on one machine, then the two daemons started by setup itself from the
 * files it wrote: node 1 becomes PRIM and node 2 SECOND, on the cluster key pairing agreed.
 */
@Tag("processes")
class SetupProcessTest {
    @TempDir
    Path dir;
    private final List<Long> daemons = new ArrayList<>();

    @AfterEach
    void stop() {
        for (long pid : daemons) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> {
                    p.destroyForcibly();
                    return p;
                }).join();
            });
        }
    }

    @Test
    void nodeOneComesUpPrimAndNodeTwoSecondFromTheFilesSetupWrote() throws Exception {
        String hash = ConsoleServer.hashPassword("abc(1)_x");
        LocalNode one = node(1, hash);
        LocalNode two = node(2, hash);
        int pairing = freeTcp();
        int base = freeUdpPair();
        List<String> out2 = new CopyOnWriteArrayList<>();
        Prerequisites checks = new Prerequisites(new SystemNetwork(), Path.of("/usr/lib/postgresql/15/bin"),
                Path.of("/etc/passwd"));
        CompletableFuture<Object> secondary = CompletableFuture.supplyAsync(() -> {
            try {
                return new SecondaryStep(checks, new SystemNetwork()).run(new SecondaryStep.Options(two, true, pairing,
                        Duration.ofMinutes(2), "v"), out2::add);
            } catch (SetupException e) {
                return e;
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> out2.stream().anyMatch(l -> l.startsWith("Security code")));
        String code = out2.stream().filter(l -> l.startsWith("Security code: ")).findFirst().orElseThrow()
                .substring("Security code: ".length());
        new PrimaryStep(checks, new SystemNetwork(), Clock.systemUTC()).run(new PrimaryStep.Options(one, true,
                "127.0.0.1", pairing, SecurityCode.parse(code), "site-a", base, null, "none", null, null, null, "v"),
                l -> { });
        assertThat(secondary.get(30, TimeUnit.SECONDS)).isNotInstanceOf(SetupException.class);

        daemons.add(NodeStart.start(one.configFile(), 1, false).pid());
        daemons.add(NodeStart.start(two.configFile(), 2, false).pid());
        await("node 1 PRIM, node 2 SECOND").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> state(one) == NodeState.PRIM && state(two) == NodeState.SECOND);
    }

    private static NodeState state(LocalNode n) {
        try {
            VigilConfig c = VigilConfig.load(n.configFile());
            // The CLI's way: the node's own Unix socket, no key needed.
            return AdminClient.local(c.admin().socketPath(c.node().dataDir()), 1000).status().node().state();
        } catch (AdminException | io.vigil.config.ConfigException e) {
            return null;
        }
    }

    private LocalNode node(int id, String hash) throws IOException {
        return new LocalNode(dir.resolve("etc" + id).resolve("vigil.yaml"), dir.resolve("data" + id), "node" + id,
                "127.0.0.1", true, hash, freeTcp(), freeTcp(), freeTcp(), null);
    }

    private static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket a = new DatagramSocket(0)) {
                int p = a.getLocalPort();
                try (DatagramSocket b = new DatagramSocket(p + 1)) {
                    return p;
                } catch (IOException e) {
                    // try another
                }
            }
        }
        throw new IOException("no two adjacent free UDP ports");
    }
}
