package io.vigil.it;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;
import io.vigil.core.NodeState;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;
import io.vigil.demo.LocalCluster;
import io.vigil.resource.ResourceStatus;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;

/** Test-side handle on a {@link LocalCluster} of two real node processes. */
final class Nodes implements AutoCloseable {
    final LocalCluster cluster;

    private Nodes(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** Two nodes on free loopback ports, default timings unless changed by {@code tune}. */
    static Nodes start(Path dir, java.util.function.UnaryOperator<LocalCluster.Settings> tune) throws IOException {
        return start(dir, tune, c -> { });
    }

    /** The same, letting {@code edit} change the written configuration files before the nodes start. */
    static Nodes start(Path dir, java.util.function.UnaryOperator<LocalCluster.Settings> tune,
                       IoConsumer<LocalCluster> edit) throws IOException {
        LocalCluster.deleteTree(dir);
        int base = freeUdpPair();
        int admin = freeTcp();
        int service = freeTcp();
        LocalCluster.Settings s = tune.apply(LocalCluster.Settings.defaults(dir).withPorts(base, admin, service));
        if (s.witnessPort() == 1) {
            s = s.withWitness(freeUdpPair());
        }
        Nodes n = new Nodes(LocalCluster.create(s));
        edit.accept(n.cluster);
        if (s.witnessPort() > 0) {
            n.cluster.startWitness();
        }
        n.cluster.start(1);
        n.cluster.start(2);
        return n;
    }

    /** A step that may fail with an I/O error. */
    interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    /** Waits for one PRIM and one up-to-date SECOND (eligible to take over); returns the PRIM's id. */
    int awaitPair() {
        return awaitPair(60);
    }

    /** The same with a limit of its own (a first start whose services are JVMs with a database schema to set up). */
    int awaitPair(int seconds) {
        await("PRIM + up-to-date SECOND").atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100))
                .until(() -> pair() != 0 && upToDate(3 - pair()));
        return pair();
    }

    private boolean upToDate(int id) {
        DaemonStatus s = status(id);
        return s != null && s.node().dataEpoch() == s.node().epoch();
    }


    private int pair() {
        NodeState a = state(1);
        NodeState b = state(2);
        if (a == NodeState.PRIM && b == NodeState.SECOND) {
            return 1;
        }
        return a == NodeState.SECOND && b == NodeState.PRIM ? 2 : 0;
    }

    void awaitState(int id, NodeState state, int seconds) {
        await("node" + id + " " + state).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100))
                .until(() -> state(id) == state);
    }

    NodeState state(int id) {
        DaemonStatus s = status(id);
        return s == null ? null : s.node().state();
    }

    DaemonStatus status(int id) {
        return cluster.statusOrNull(id);
    }

    CommandResult command(int id, String command, String arg) throws AdminException {
        return admin(id).command(command, arg, "it-test");
    }

    AdminClient admin(int id) {
        return cluster.admin(id);
    }

    /** The node named by the management server's answer, or "" when it does not answer. */
    String servedBy() {
        return cluster.servedBy();
    }

    ResourceStatus resource(int id, String name) {
        DaemonStatus s = status(id);
        return s == null ? null : s.resources().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    String moduleLog(int id) throws IOException {
        Path log = cluster.dataDir(id).resolve("log/module.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }

    static int freeTcp() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 40000);
            try (ServerSocket a = new ServerSocket(p); ServerSocket b = new ServerSocket(p + 1);
                 ServerSocket c = new ServerSocket(p + 10); ServerSocket d = new ServerSocket(p + 20)) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free TCP ports found");
    }

    static int freeUdpPair() throws IOException {
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
