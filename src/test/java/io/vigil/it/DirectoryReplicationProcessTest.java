package io.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.core.NodeState;
import io.vigil.core.SyncStatus;
import io.vigil.dirsync.DirectoryStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * SPEC §3 directory replication with two real node processes: the SECOND follows the PRIM's
 * directory; after a failover the data flows from the node now running the services, so the
 * restarted old PRIM is resynchronised from it.
 */
@Tag("processes")
class DirectoryReplicationProcessTest extends ClusterProcessTest {

    @Test
    void theDirectoryFollowsTheNodeRunningTheServices(TestInfo info) throws Exception {
        int[] ports = {Nodes.freeTcp(), Nodes.freeTcp()};
        nodes = Nodes.start(Path.of("target/it", info.getTestMethod().orElseThrow().getName()).toAbsolutePath(),
                s -> s, c -> {
                    for (int id = 1; id <= 2; id++) {
                        Files.createDirectories(dir(c.dataDir(id)));
                        Files.writeString(c.config(id), "replication:\n  port: " + ports[id - 1] + "\n  peerPort: "
                                + ports[2 - id] + "\n  intervalMs: 200\n  directories:\n    - name: config\n      path: "
                                + dir(c.dataDir(id)) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    }
                });
        Nodes n = nodes;
        int prim = n.awaitPair();
        int other = 3 - prim;
        Files.writeString(dir(n.cluster.dataDir(prim)).resolve("vms.conf"), "written on node" + prim);

        await("replicated to the SECOND").atMost(Duration.ofSeconds(20)).until(() ->
                Files.exists(dir(n.cluster.dataDir(other)).resolve("vms.conf"))
                        && directory(n, other).status() == SyncStatus.UPTODATE);
        assertThat(directory(n, prim).status()).isEqualTo(SyncStatus.UPTODATE);
        assertThat(directory(n, prim).detail()).contains("source");

        n.cluster.kill(prim);
        n.awaitState(other, NodeState.ALONE, 20);
        Files.writeString(dir(n.cluster.dataDir(other)).resolve("vms.conf"), "changed on node" + other + " while alone");
        Files.delete(dir(n.cluster.dataDir(prim)).resolve("vms.conf")); // the dead node's copy is lost too

        n.cluster.start(prim);
        n.awaitState(prim, NodeState.SECOND, 30);
        await("resynchronised from the node running the services").atMost(Duration.ofSeconds(20)).until(() ->
                Files.exists(dir(n.cluster.dataDir(prim)).resolve("vms.conf"))
                        && Files.readString(dir(n.cluster.dataDir(prim)).resolve("vms.conf"))
                        .equals("changed on node" + other + " while alone"));
        assertThat(Files.readString(dir(n.cluster.dataDir(other)).resolve("vms.conf")))
                .as("never overwritten by the returning node").isEqualTo("changed on node" + other + " while alone");
        // The returning node counted as up to date (and so could be promoted) only after its
        // directories had caught up, not as soon as it followed the peer.
        await("node" + prim + " up to date").atMost(Duration.ofSeconds(20))
                .until(() -> n.moduleLog(prim).contains("data up to date with node" + other));
        String log = n.moduleLog(prim);
        assertThat(log.lastIndexOf("directories caught up with the peer")).as(log).isPositive()
                .isLessThan(log.lastIndexOf("data up to date with node" + other));
    }

    private static Path dir(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + "-replicated");
    }

    private static DirectoryStatus directory(Nodes n, int id) {
        var s = n.status(id);
        return s == null || s.directories().isEmpty()
                ? new DirectoryStatus("config", "", SyncStatus.NOT_CONFIGURED, "no status", 0, 0, 0, 0, -1, 0, 0)
                : s.directories().get(0);
    }
}
