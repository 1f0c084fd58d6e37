package io.vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.pki.ClusterTls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, "the demo uses this same path": `vigil demo` makes its two nodes with the real three
 * setup steps (three CLI processes: secondary for node2, primary for node1 with the code node2
 * printed, finish for node2, all with --loopback), then starts them, and they form the cluster,
 * node1 PRIM and node2 SECOND. The demo's own path end to end, the sample service instead of the
 * database (the other tests make their clusters with {@link LocalCluster#create}, which is faster).
 */
@Tag("processes")
class DemoSetupPathTest {

    @TempDir
    Path dir;

    @Test
    void theDemoMakesItsNodesWithTheThreeSetupStepsAndTheyFormTheCluster() throws Exception {
        Path run = dir.resolve("demo-run");
        LocalCluster.Settings s = LocalCluster.Settings.defaults(run)
                .withPorts(freeUdpPair(), freeTcp(1), freeTcp(10)).withTimings(200, 1000);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        int rc = Demo.run(s, freeTcp(1), freeTcp(0), new ByteArrayInputStream(
                "status\nquit\n".getBytes(StandardCharsets.UTF_8)), out);

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(text).isZero();
        assertThat(text).as("the steps in order, the code from node2's output")
                .containsPattern("(?s)setup secondary \\(node2\\): Security code: \\S+.*setup primary \\(node1\\): .*"
                        + "setup finish \\(node2\\): node 2 is paired")
                .contains("setup primary (node1): loopback mode (--loopback)");
        assertThat(text).as("the prompt's status").contains("  node1: PRIM (").contains("  node2: SECOND (");
        assertThat(text).contains("Stopped.");

        for (int id = 1; id <= 2; id++) {
            Path config = run.resolve("etc/node" + id + "/vigil.yaml");
            assertThat(Files.readString(config)).startsWith("# Written by `vigil setup`")
                    .contains("keyFile: \"" + config.resolveSibling("cluster.key")).contains("name: \"mgmt\"");
            assertThat(config.resolveSibling("console-password")).as("setup's hash, not the password")
                    .content().startsWith(io.vigil.security.PasswordHash.PREFIX).doesNotContain(Files.readString(run.resolve("console-password")).strip());
        }
        assertThat(Files.readString(ClusterTls.dir(run.resolve("node2")).resolve(ClusterTls.CA)))
                .as("node2's cluster CA came from node1 at pairing")
                .isEqualTo(Files.readString(ClusterTls.dir(run.resolve("node1")).resolve(ClusterTls.CA)));
        assertThat(run.resolve("node1/log/module.log")).content().contains("PRIM");
    }

    /** A free TCP port p whose p+{@code also} is free too (0: p only). */
    private static int freeTcp(int also) throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 40000);
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(also == 0 ? 0 : p + also)) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free TCP ports found");
    }

    private static int freeUdpPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = ThreadLocalRandom.current().nextInt(40000, 50000);
            try (DatagramSocket a = new DatagramSocket(p); DatagramSocket b = new DatagramSocket(p + 1)) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free UDP ports found");
    }
}
