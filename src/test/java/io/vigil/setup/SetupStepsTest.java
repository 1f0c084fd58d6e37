package io.vigil.setup;

import io.vigil.config.VigilConfig;
import io.vigil.console.ConsoleServer;
import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClusterTls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * `setup secondary` then `setup primary` then `setup finish`, in-process, on one machine: two data
 * folders, distinct ports, real sockets, the real prerequisite checks (loopback mode).
 */
class SetupStepsTest {
    private static final String VERSION = "test-version";
    private static String hash;

    @TempDir
    Path dir;
    private final List<String> out2 = new CopyOnWriteArrayList<>();
    private final List<String> out1 = new CopyOnWriteArrayList<>();
    private final int pairingPort = freeTcp();
    private final int basePort = freeUdpPair();
    private LocalNode node1;
    private LocalNode node2;

    @BeforeAll
    static void hashOnce() {
        hash = ConsoleServer.hashPassword("abc(1)_x"); // 600,000 iterations: once for the class
    }

    @BeforeEach
    void nodes() {
        node1 = node(1);
        node2 = node(2);
    }

    private LocalNode node(int id) {
        return new LocalNode(dir.resolve("etc" + id).resolve("vigil.yaml"), dir.resolve("data" + id),
                "node" + id, "127.0.0.1", true, hash, freeTcp(), freeTcp(), freeTcp(), null);
    }

    private static Prerequisites prerequisites() {
        return new Prerequisites(new SystemNetwork(), NodeConfigs.PG_BIN, Path.of("/etc/passwd"));
    }

    /** Node 2 waiting; completes with its settings or the exception that ended it. */
    private CompletableFuture<Object> secondary(Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new SecondaryStep(prerequisites(), new SystemNetwork()).run(new SecondaryStep.Options(node2,
                        true, pairingPort, timeout, VERSION), out2::add);
            } catch (SetupException e) {
                return e;
            }
        });
    }

    private SecurityCode printedCode() throws SetupException {
        await().atMost(Duration.ofSeconds(20)).until(() -> out2.stream().anyMatch(l -> l.startsWith("Security code: ")));
        String line = out2.stream().filter(l -> l.startsWith("Security code: ")).findFirst().orElseThrow();
        return SecurityCode.parse(line.substring("Security code: ".length()));
    }

    private PrimaryStep.Options primaryOptions(SecurityCode code) {
        return new PrimaryStep.Options(node1, true, "127.0.0.1", pairingPort, code, "site-a", basePort, null,
                "none", null, null, null, VERSION);
    }

    private ClusterSettings primary(SecurityCode code) throws SetupException {
        return new PrimaryStep(prerequisites(), new SystemNetwork(), Clock.systemUTC()).run(primaryOptions(code),
                out1::add);
    }

    @Test
    void threeStepsLeaveTwoConfigurationsThatLoadAndCertificatesOfOneCaThatHandshake() throws Exception {
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        ClusterSettings s = primary(printedCode());
        assertThat(two.get(30, TimeUnit.SECONDS)).isEqualTo(s);
        VigilConfig c1 = VigilConfig.load(node1.configFile());
        VigilConfig c2 = FinishStep.check(node2.configFile());
        assertThat(c1.node().id()).isEqualTo(1);
        assertThat(c2.node().id()).isEqualTo(2);
        assertThat(c1.clusterKey()).isEqualTo(c2.clusterKey()).hasSize(32);
        assertThat(c1.peer().adminPort()).isEqualTo(node2.adminPort());
        assertThat(c2.peer().adminPort()).isEqualTo(node1.adminPort());
        assertThat(c1.admin().bindAddress()).isEqualTo(c2.peer().adminAddress());
        assertThat(c2.heartbeat().port(2)).isEqualTo(basePort + 1);
        assertThat(c2.console().https()).isTrue();
        c1.checkKeyIsPrivate();
        c2.checkKeyIsPrivate();
        handshake(ClusterTls.load(node1.dataDir()), ClusterTls.load(node2.dataDir()));
        handshake(ClusterTls.load(node2.dataDir()), ClusterTls.load(node1.dataDir()));
        for (LocalNode n : List.of(node1, node2)) {
            assertThat(CertificateSet.check(n.consoleDir(), List.of("node1", "node2", "127.0.0.1"), Clock.systemUTC())
                    .daysLeft()).isGreaterThan(5 * 365 - 2);
        }
        assertThat(Files.exists(node2.consoleDir().resolve(CertificateSet.CA_KEY))).isFalse();
        assertThat(Files.readString(node2.passwordFile()).strip()).isEqualTo(hash);
        assertThat(leftovers()).isEmpty();
    }

    /** Node 1 as the TLS server, node 2 the client dialling 127.0.0.1: both are accepted. */
    private static void handshake(ClusterTls server, ClusterTls client) throws Exception {
        try (SSLServerSocket s = server.listen(new InetSocketAddress("127.0.0.1", 0), 1)) {
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket a = (SSLSocket) s.accept()) {
                    a.startHandshake();
                    return ClusterTls.peer(a).getSubjectX500Principal().getName();
                } catch (IOException e) {
                    return "refused: " + e;
                }
            });
            try (SSLSocket c = client.connect("127.0.0.1", s.getLocalPort(), 5000)) {
                assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            assertThat(accepted.get(10, TimeUnit.SECONDS)).contains("CN=node");
        }
    }

    @Test
    void aWrongCodeChangesNeitherNodeAndTheRightOneStillPairs() throws Exception {
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        SecurityCode right = printedCode();
        assertThatThrownBy(() -> primary(SecurityCode.random())).hasMessageStartingWith("node 2 refused the security"
                + " code at 127.0.0.1:" + pairingPort + ": nothing was changed on either node.");
        assertThat(node1.configFile()).doesNotExist();
        assertThat(node2.configFile()).doesNotExist();
        assertThat(node1.dataDir().resolve("tls")).doesNotExist();
        assertThat(leftovers()).isEmpty();
        primary(right);
        assertThat(two.get(30, TimeUnit.SECONDS)).isInstanceOf(ClusterSettings.class);
        assertThat(node1.configFile()).exists();
    }

    @Test
    void aStepThatFailsOnNodeTwoLeavesBothNodesAsTheyWere() throws Exception {
        // Node 2 learns the heartbeat port only at pairing; taken, its check fails and it refuses.
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(basePort + 1))) {
            CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
            SecurityCode code = printedCode();
            assertThatThrownBy(() -> primary(code)).hasMessageStartingWith("node 2 (127.0.0.1:" + pairingPort
                    + ") could not install its configuration: 1 prerequisite check failed, nothing was changed: port "
                    + (basePort + 1) + "/udp (heartbeats): in use by another program");
            assertThat(two.get(30, TimeUnit.SECONDS)).isInstanceOf(SetupException.class);
        }
        assertThat(node1.configFile()).doesNotExist();
        assertThat(node2.configFile()).doesNotExist();
        assertThat(node1.dataDir()).doesNotExist();
        assertThat(node2.dataDir()).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void runningTheStepsAgainReplacesTheClusterWhole() throws Exception {
        CompletableFuture<Object> first = secondary(Duration.ofMinutes(2));
        primary(printedCode());
        first.get(30, TimeUnit.SECONDS);
        byte[] oldKey = VigilConfig.load(node1.configFile()).clusterKey();
        Path before = dir.resolve("node2-before");
        Files.createDirectories(before.resolve("tls"));
        try (Stream<Path> files = Files.list(node2.dataDir().resolve("tls"))) {
            for (Path f : files.toList()) {
                Files.copy(f, before.resolve("tls").resolve(f.getFileName()));
            }
        }
        out2.clear();
        CompletableFuture<Object> second = secondary(Duration.ofMinutes(2));
        primary(printedCode());
        second.get(30, TimeUnit.SECONDS);
        VigilConfig c1 = VigilConfig.load(node1.configFile());
        assertThat(c1.clusterKey()).isNotEqualTo(oldKey).isEqualTo(FinishStep.check(node2.configFile()).clusterKey());
        handshake(ClusterTls.load(node1.dataDir()), ClusterTls.load(node2.dataDir()));
        assertThat(leftovers()).isEmpty();
        // Node 2's certificates from the first run belong to the old CA: the new node 1 refuses them.
        ClusterTls stale = ClusterTls.load(before);
        try (SSLServerSocket s = ClusterTls.load(node1.dataDir()).listen(new InetSocketAddress("127.0.0.1", 0), 1)) {
            CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket a = (SSLSocket) s.accept()) {
                    a.startHandshake();
                    return "accepted";
                } catch (IOException e) {
                    return "refused";
                }
            });
            assertThatThrownBy(() -> stale.connect("127.0.0.1", s.getLocalPort(), 5000))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
            assertThat(accepted.get(10, TimeUnit.SECONDS)).isEqualTo("refused");
        }
    }

    @Test
    void removeReturnsBothNodesToStandaloneAndKeepsCertificates() throws Exception {
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        primary(printedCode());
        two.get(30, TimeUnit.SECONDS);
        for (LocalNode n : List.of(node1, node2)) {
            assertThat(RemoveStep.run(n.configFile())).containsExactly(n.keyFile(), n.configFile());
            assertThat(n.configFile()).doesNotExist();
            assertThat(ClusterTls.present(n.dataDir())).isTrue();
            assertThat(n.consoleDir().resolve(CertificateSet.SERVER)).exists();
            assertThat(RemoveStep.run(n.configFile())).isEmpty(); // again: nothing left to remove
        }
        assertThatThrownBy(() -> FinishStep.check(node2.configFile())).hasMessage("this node is not paired: "
                + node2.configFile() + " does not exist. Run `vigil setup secondary` here, then `vigil setup primary` on"
                + " node 1, then this again");
    }

    @Test
    void removeIsRefusedWhileTheNodeRuns() throws Exception {
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        primary(printedCode());
        two.get(30, TimeUnit.SECONDS);
        try (ServerSocket daemon = new ServerSocket(node1.adminPort(), 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> RemoveStep.run(node1.configFile())).hasMessage("node 1's daemon is running (its"
                    + " admin channel answers at 127.0.0.1:" + node1.adminPort() + "): stop it first (SIGTERM or Ctrl-C"
                    + " of `vigil node`, or your service manager), then run this again");
        }
        assertThat(node1.configFile()).exists();
    }

    @Test
    void finishRefusesNodeOnesConfiguration() throws Exception {
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        primary(printedCode());
        two.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> FinishStep.check(node1.configFile())).hasMessage(node1.configFile() + " is node 1's"
                + " configuration: `vigil setup finish` completes node 2 (node 1 is complete after `vigil setup"
                + " primary`)");
    }

    @Test
    void aPeerThatDoesNotResolveIsRefusedBeforeAnythingIsSent() {
        PrimaryStep.Options o = primaryOptions(SecurityCode.random());
        PrimaryStep.Options bad = new PrimaryStep.Options(o.node(), true, "no-such-host.invalid", o.peerPairingPort(),
                o.code(), o.clusterName(), o.heartbeatBasePort(), null, "none", null, null, null, VERSION);
        assertThatThrownBy(() -> new PrimaryStep(prerequisites(), new SystemNetwork(), Clock.systemUTC()).run(bad,
                out1::add)).hasMessage("no-such-host.invalid has no IPv4 address on this machine: give node 2's FQDN,"
                + " host name or IPv4 address, and add it to DNS or /etc/hosts");
        assertThat(node1.configFile()).doesNotExist();
    }

    @Test
    void aNodeTwoOnAnotherVersionIsRefusedOnBothSides() throws Exception {
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        SecurityCode code = printedCode();
        PrimaryStep.Options o = primaryOptions(code);
        PrimaryStep.Options other = new PrimaryStep.Options(o.node(), true, o.peer(), o.peerPairingPort(), code,
                o.clusterName(), o.heartbeatBasePort(), null, "none", null, null, null, "other-version");
        assertThatThrownBy(() -> new PrimaryStep(prerequisites(), new SystemNetwork(), Clock.systemUTC()).run(other,
                out1::add)).hasMessage("node 2 runs Vigil test-version and node 1 other-version: install the same"
                + " version on both nodes");
        assertThat(((SetupException) two.get(30, TimeUnit.SECONDS)).getMessage()).isEqualTo("node 1 (127.0.0.1)"
                + " refused to pair: node 2 runs Vigil test-version and node 1 other-version: install the same version"
                + " on both nodes. Nothing was changed on this node; fix that, then run `vigil setup secondary` again");
        assertThat(node1.configFile()).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aNodeTwoHostNameThatIsNotOneIsRefusedBeforeItReachesACertificate() throws Exception {
        node2 = new LocalNode(node2.configFile(), node2.dataDir(), "*.example.com", node2.address(), true, hash,
                node2.adminPort(), node2.consolePort(), node2.databasePort(), null);
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        SecurityCode code = printedCode();
        assertThatThrownBy(() -> primary(code)).hasMessage("node 2 gave '*.example.com' as its host name, which is not"
                + " one (letters, digits, '-' and '.'): give node 2 a proper --local name");
        assertThat(two.get(30, TimeUnit.SECONDS)).isInstanceOf(SetupException.class);
        assertThat(node1.configFile()).doesNotExist();
        assertThat(node2.configFile()).doesNotExist();
    }

    @Test
    void anIncompleteBundleFromAProvenNodeOneIsRefusedAndNothingWritten() throws Exception {
        CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
        SecurityCode code = printedCode();
        assertThatThrownBy(() -> PairingClient.pair("127.0.0.1", pairingPort, code, 5000,
                offer -> new PairingMessages.Bundle(null, null, null, null, null)))
                .hasMessageStartingWith("node 2 (127.0.0.1:" + pairingPort + ") could not install its configuration:"
                        + " node 1 sent an incomplete bundle: install the same Vigil version on both nodes.");
        assertThat(two.get(30, TimeUnit.SECONDS)).isInstanceOf(SetupException.class);
        assertThat(node2.configFile()).doesNotExist();
        assertThat(node2.dataDir()).doesNotExist();
    }

    @Test
    void anInternalDatabaseConfigurationLoadsWhereThePostgresUserCanReachItsData() throws Exception {
        // The database runs as 'postgres', which must enter every folder above its data: a private scratch place.
        Path home = io.vigil.replication.PgScratch.create("setup");
        try {
            node1 = new LocalNode(node1.configFile(), home.resolve("n1"), "node1", "127.0.0.1", true, hash,
                    node1.adminPort(), node1.consolePort(), freeTcp(), null);
            node2 = new LocalNode(node2.configFile(), home.resolve("n2"), "node2", "127.0.0.1", true, hash,
                    node2.adminPort(), node2.consolePort(), freeTcp(), null);
            CompletableFuture<Object> two = secondary(Duration.ofMinutes(2));
            SecurityCode code = printedCode();
            PrimaryStep.Options o = primaryOptions(code);
            new PrimaryStep(prerequisites(), new SystemNetwork(), Clock.systemUTC()).run(new PrimaryStep.Options(node1,
                    true, o.peer(), o.peerPairingPort(), code, o.clusterName(), o.heartbeatBasePort(), null, "internal",
                    null, null, null, VERSION), out1::add);
            assertThat(two.get(30, TimeUnit.SECONDS)).isInstanceOf(ClusterSettings.class);
            VigilConfig c2 = FinishStep.check(node2.configFile());
            assertThat(c2.database().internal()).isTrue();
            assertThat(c2.database().peerPort()).isEqualTo(node1.databasePort());
            assertThat(c2.database().dataDir()).isEqualTo(home.resolve("n2/pg/data"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("n2"))))
                    .isEqualTo("rwx--x--x");
        } finally {
            io.vigil.replication.PgScratch.delete(home);
        }
    }

    /** Staged or set-aside files a step must never leave behind. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".setup-")).toList();
        }
    }

    private static int freeTcp() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A UDP port whose next one is free too (node N uses base+N-1). */
    private static int freeUdpPair() {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket a = new DatagramSocket(0)) {
                int p = a.getLocalPort();
                try (DatagramSocket b = new DatagramSocket(p + 1)) {
                    return p;
                } catch (IOException e) {
                    // try another
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no two adjacent free UDP ports");
    }
}
