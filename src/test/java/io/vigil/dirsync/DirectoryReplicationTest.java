package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.config.ReplicationSection;
import io.vigil.pki.ClusterTls;
import io.vigil.core.Effect.ReplicationRole.Role;
import io.vigil.core.SyncStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes' replication on loopback, driven by roles as the daemon drives them. */
class DirectoryReplicationTest {

    @TempDir
    Path tmp;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private DirectoryReplication node1;
    private DirectoryReplication node2;

    @AfterEach
    void close() {
        if (node1 != null) {
            node1.close();
        }
        if (node2 != null) {
            node2.close();
        }
    }

    private DirectoryReplication node(int port, int peerPort, String dir, ClusterTls tls) throws IOException {
        ReplicationSection cfg = new ReplicationSection(port, "127.0.0.1", "127.0.0.1", peerPort, 100,
                List.of(new ReplicationSection.Directory("config", tmp.resolve(dir))));
        return DirectoryReplication.start(cfg, tls, line -> { }, errors::add);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private SyncStatus status(DirectoryReplication n) {
        return n.status().get(0).status();
    }

    @Test
    void theSecondIsCaughtUpOnlyAfterAPassOfThisEra() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.write(a.resolve("recording.idx"), new byte[300_000]);
        node1 = node(p1, p2, "a", TestTls.SOURCE);
        node2 = node(p2, p1, "b", TestTls.RECEIVER);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean copiedWhenCalled = new java.util.concurrent.atomic.AtomicBoolean();
        node2.onCaughtUp(() -> {
            calls.incrementAndGet();
            copiedWhenCalled.set(Files.isRegularFile(tmp.resolve("b/recording.idx")));
        });

        node2.follow(Role.STANDBY); // the peer does not serve yet: passes fail
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node2) == SyncStatus.CONNECTION_ERROR);
        assertThat(node2.caughtUp()).isFalse();
        node1.follow(Role.PRIMARY);
        await().atMost(Duration.ofSeconds(10)).until(node2::caughtUp);
        assertThat(calls.get()).isEqualTo(1);
        assertThat(copiedWhenCalled.get()).as("caught up only once the file is there").isTrue();

        node2.follow(Role.NONE);
        assertThat(node2.caughtUp()).as("a new era starts behind").isFalse();
        node2.follow(Role.STANDBY);
        await().atMost(Duration.ofSeconds(10)).until(node2::caughtUp);
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void theSecondFollowsChangesAndReportsConnectionLoss() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        Path a = Files.createDirectories(tmp.resolve("a"));
        node1 = node(p1, p2, "a", TestTls.SOURCE);
        node2 = node(p2, p1, "b", TestTls.RECEIVER);
        assertThat(status(node2)).isEqualTo(SyncStatus.NOT_CONFIGURED);
        node1.follow(Role.PRIMARY);
        node2.follow(Role.STANDBY);

        Files.writeString(a.resolve("vms.conf"), "v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(tmp.resolve("b/vms.conf"))
                && Files.readString(tmp.resolve("b/vms.conf")).equals("v1") && status(node2) == SyncStatus.UPTODATE);
        Files.writeString(a.resolve("vms.conf"), "v2 (longer)");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(tmp.resolve("b/vms.conf")).equals("v2 (longer)"));
        assertThat(status(node1)).isEqualTo(SyncStatus.UPTODATE);
        assertThat(node2.status().get(0).percent()).isEqualTo(100);

        node1.close();
        node1 = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node2) == SyncStatus.CONNECTION_ERROR);
        assertThat(node2.status().get(0).detail()).contains("cannot reach the replication source");
        assertThat(errors).anyMatch(e -> e.contains("directory config") && e.contains("connection error"));
    }

    @Test
    void aSecondNeverServesSoDataCannotFlowBackwards() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        Files.createDirectories(tmp.resolve("a"));
        Files.writeString(Files.createDirectories(tmp.resolve("b")).resolve("stale"), "old");
        node1 = node(p1, p2, "a", TestTls.SOURCE);
        node2 = node(p2, p1, "b", TestTls.RECEIVER);
        node1.follow(Role.STANDBY); // both SECOND: neither may be the source
        node2.follow(Role.STANDBY);

        await().atMost(Duration.ofSeconds(10)).until(() -> status(node1) == SyncStatus.CONNECTION_ERROR);
        assertThat(node1.status().get(0).detail()).contains("not a replication source").contains("SECOND");
        assertThat(Files.exists(tmp.resolve("a/stale"))).isFalse();
    }

    @Test
    void aPeerOfAnotherClusterCaIsAConnectionErrorSayingSoOnce() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        Files.createDirectories(tmp.resolve("a"));
        node1 = node(p1, p2, "a", TestTls.SOURCE);
        node2 = node(p2, p1, "b", TestTls.STRANGER);
        node1.follow(Role.PRIMARY);
        node2.follow(Role.STANDBY);

        await().atMost(Duration.ofSeconds(10)).until(() -> status(node2) == SyncStatus.CONNECTION_ERROR);
        String why = "the replication peer at 127.0.0.1:" + p1 + " is refused: its certificate was not issued by"
                + " this cluster's CA";
        assertThat(node2.status().get(0).detail()).startsWith(why);
        await().atMost(Duration.ofSeconds(10)).until(() -> errors.stream().anyMatch(e -> e.contains("refused a connection")));
        assertThat(errors.stream().filter(e -> e.contains(why)).count())
                .as("logged once, not at every pass").isEqualTo(1);
        assertThat(Files.exists(tmp.resolve("b"))).isFalse();
    }

    @Test
    void aTakenPortIsRefusedNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> node(taken.getLocalPort(), 1, "a", TestTls.SOURCE))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot open the directory replication port 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("replication.port");
        }
    }

    @Test
    void leavingTheSecondRoleStopsPulling() throws Exception {
        int p1 = freePort();
        int p2 = freePort();
        Path a = Files.createDirectories(tmp.resolve("a"));
        node1 = node(p1, p2, "a", TestTls.SOURCE);
        node2 = node(p2, p1, "b", TestTls.RECEIVER);
        node1.follow(Role.PRIMARY);
        node2.follow(Role.STANDBY);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(node2) == SyncStatus.UPTODATE);

        node2.follow(Role.PRIMARY); // failover: node 2 now runs the services
        Files.writeString(a.resolve("late"), "must not arrive");
        assertThat(status(node2)).isEqualTo(SyncStatus.UPTODATE);
        assertThat(node2.status().get(0).detail()).contains("source");
        // Give a (wrongly) still running puller several intervals to act.
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> !Files.exists(tmp.resolve("b/late")));
    }
}
