package io.vigil.it;

import io.vigil.core.NodeState;
import io.vigil.api.DaemonStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Malformed datagrams and configuration files against real node processes. */
@Tag("processes")
class BadInputProcessTest extends ClusterProcessTest {

    @Test
    void forgedTruncatedReplayedAndRandomDatagramsChangeNothingAndAreCounted() throws Exception {
        start("bad-datagrams", s -> s);
        int prim = nodes.awaitPair();
        int port = nodes.cluster.settings().basePort() + prim - 1;
        long epoch = nodes.status(prim).node().epoch();

        SplittableRandom random = new SplittableRandom(42);
        List<byte[]> junk = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[random.nextInt(1, 300)];
            random.nextBytes(b);
            junk.add(b);
        }
        byte[] forged = new byte[io.vigil.heartbeat.HeartbeatCodec.PACKET_BYTES];
        System.arraycopy("VGHB".getBytes(StandardCharsets.US_ASCII), 0, forged, 0, 4);
        forged[4] = (byte) io.vigil.protocol.ProtocolVersion.current();
        junk.add(forged);
        junk.add("VGHB".getBytes(StandardCharsets.US_ASCII));
        junk.add(new byte[0]);
        try (DatagramSocket socket = new DatagramSocket()) {
            InetAddress lo = InetAddress.getLoopbackAddress();
            for (byte[] b : junk) {
                socket.send(new DatagramPacket(b, b.length, lo, port));
            }
        }

        await("rejections counted").atMost(Duration.ofSeconds(10)).until(() -> rejected(nodes.status(prim)) >= junk.size());
        DaemonStatus after = nodes.status(prim);
        assertThat(after.rejectedHeartbeats()).containsKeys("TOO_SHORT", "BAD_MAGIC");
        assertThat(after.node().state()).isEqualTo(NodeState.PRIM);
        assertThat(after.node().epoch()).isEqualTo(epoch);
        assertThat(nodes.state(3 - prim)).isEqualTo(NodeState.SECOND);
        // One summary line instead of a line per datagram (issue 10 item 10), within the summary interval.
        await("summary line").atMost(Duration.ofSeconds(20))
                .until(() -> nodes.moduleLog(prim).contains("heartbeat BAD_MAGIC from 127.0.0.1"));
        // The same, read the way an operator does (vigil logs --verbose); the short view is errors only.
        assertThat(nodes.admin(prim).logs("module", true, 0, 2000).lines())
                .anyMatch(l -> l.contains(" I rejected ") && l.contains(" datagrams in "));
        assertThat(nodes.admin(prim).logs("module", false, 0, 2000).lines())
                .isNotEmpty().allMatch(l -> l.matches("\\S+ \\S+ E .*"));
        await("peer still heard").during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> nodes.status(prim).node().peerPresent());
    }

    /**
     * Issue 10 item 10: about 100k garbage datagrams wrote 15.7 MB to the module log, rotated it
     * and left no state= line in the current file.
     */
    @Test
    void aFloodOfGarbageDatagramsNeitherGrowsTheModuleLogNorPushesOutItsStateLines() throws Exception {
        start("datagram-flood", s -> s);
        int prim = nodes.awaitPair();
        Path log = nodes.cluster.dataDir(prim).resolve("log/module.log");
        long sizeBefore = Files.size(log);
        int port = nodes.cluster.settings().basePort() + prim - 1;

        SplittableRandom random = new SplittableRandom(7);
        byte[] buf = new byte[300];
        try (DatagramSocket socket = new DatagramSocket()) {
            InetAddress lo = InetAddress.getLoopbackAddress();
            for (int i = 0; i < 100_000; i++) {
                random.nextBytes(buf);
                socket.send(new DatagramPacket(buf, random.nextInt(1, buf.length), lo, port));
                if (i % 100 == 99) {
                    // Pacing, not waiting for a condition: a burst faster than the receiver would
                    // mostly be dropped by the kernel and test nothing.
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            }
        }

        await("enough of the flood arrived to matter").atMost(Duration.ofSeconds(25))
                .until(() -> rejected(nodes.status(prim)) > 20_000);
        assertThat(Files.size(log) - sizeBefore).as("module log growth in bytes").isLessThan(64 * 1024);
        assertThat(log.resolveSibling("module.log.1")).as("not rotated").doesNotExist();
        assertThat(nodes.moduleLog(prim)).contains("state=");
        await("the flood is summarised").atMost(Duration.ofSeconds(25))
                .until(() -> nodes.moduleLog(prim).contains(" datagrams in "));
        assertThat(Files.size(log) - sizeBefore).as("module log growth in bytes").isLessThan(64 * 1024);
        assertThat(Files.readString(log.resolveSibling("decisions.log"))).contains("state=")
                .doesNotContain("datagram");
        assertThat(nodes.state(prim)).isEqualTo(NodeState.PRIM);
        assertThat(nodes.state(3 - prim)).isEqualTo(NodeState.SECOND);
    }

    private static long rejected(DaemonStatus s) {
        return s == null ? 0 : s.rejectedHeartbeats().values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void anInvalidConfigurationFileStopsTheNodeWithAMessageNamingTheKey(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                cluster:
                  name: demo
                  key: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
                node:
                  id: 3
                  dataDir: data
                heartbeat:
                  networks:
                    - local: 127.0.0.1
                      peer: 127.0.0.1
                """);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.vigil.cli.Main", "node", "--config",
                bad.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("node.id").contains(bad.toString()).doesNotContain("00112233445566778899");
        assertThat(Files.exists(dir.resolve("data"))).as("nothing half-applied").isFalse();
    }

    @Test
    void theClusterKeyNeverAppearsInTheLogs() throws Exception {
        start("no-secrets", s -> s);
        nodes.awaitPair();
        String key = java.util.HexFormat.of().formatHex(nodes.cluster.key());
        for (int id = 1; id <= 2; id++) {
            for (String log : List.of("module.log", "application.log", "commands.log")) {
                Path f = nodes.cluster.dataDir(id).resolve("log").resolve(log);
                if (Files.exists(f)) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(key);
                }
            }
        }
    }
}
