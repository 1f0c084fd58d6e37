package io.vigil.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local CLI's Unix socket (issue 12) on a real socket, with clients run as other users
 * (setpriv) so that the kernel's peer credentials are real. The allowed group is {@code ssl-cert}
 * here, a group Debian has with the {@code postgres} user as a supplementary member, since the
 * tests must not create users or groups; the node uses {@value LocalAccess#GROUP}.
 */
class LocalAdminServerTest {
    private static final int PROTOCOL = io.vigil.protocol.ProtocolVersion.current();

    private static final String GROUP = "ssl-cert";

    @TempDir
    Path dir;

    final FakeNode node = FakeNode.primary(1);
    final List<String> audit = new CopyOnWriteArrayList<>();
    LocalAdminServer server;
    Path socket;

    @BeforeEach
    void openFolder() throws IOException {
        // Other users must be able to reach the socket for the credentials check to be what stops them.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("admin.sock");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    void start(String group, LocalAdminServer.Limits limits) throws IOException {
        server = LocalAdminServer.start(node, null, socket, audit::add, new LocalAccess(group, LocalAccess.SYSTEM),
                limits);
    }

    @Test
    void rootIsServedAndWithoutTheGroupTheSocketIsOwnerOnly() throws Exception {
        start("no-such-group-here", LocalAdminServer.DEFAULTS);
        assertThat(AdminClient.local(socket, 5000).status()).isEqualTo(node.status());
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void withTheGroupTheSocketIsOwnerAndGroupOnly() throws Exception {
        assumeGroup();
        start(GROUP, LocalAdminServer.DEFAULTS);
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        assertThat(Files.getAttribute(socket, "posix:group").toString()).isEqualTo(GROUP);
    }

    @Test
    void aUserOutsideTheGroupIsRefusedByItsCredentialsEvenWhenTheModeLetsItConnect() throws Exception {
        assumeRootAndSetpriv();
        assumeGroup();
        start(GROUP, LocalAdminServer.DEFAULTS);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<String> out = probeAs("65534", "65534", "{\"protocol\":" + PROTOCOL + ",\"op\":\"command\",\"command\":\"stop\"}");
        JsonNode answer = AdminProtocol.JSON.readTree(out.get(0));
        assertThat(answer.get("code").asText()).isEqualTo("denied");
        assertThat(answer.get("error").asText()).isEqualTo("the vigil admin socket accepts root and members of the"
                + " group 'ssl-cert' only; user 'nobody' is neither: run the command with sudo, or add the user to the"
                + " group (usermod -aG ssl-cert nobody, then log in again)");
        assertThat(out).as("one answer, nothing after it").filteredOn(l -> l.startsWith("{")).hasSize(1);
        assertThat(node.received).isEmpty();
        assertThat(node.statusReads()).as("not even the greeting").isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(audit).contains("local admin socket: refused local user nobody (group nogroup): not root,"
                        + " not in the group 'ssl-cert'"));
    }

    @Test
    void aMemberOfTheGroupBySupplementaryMembershipIsServed() throws Exception {
        assumeRootAndSetpriv();
        assumeGroup();
        start(GROUP, LocalAdminServer.DEFAULTS);
        // postgres's own group is postgres; ssl-cert is one of its supplementary groups, which the
        // process here does not even carry (--clear-groups): the node looks the user's groups up.
        String uid = id("-u", "postgres");
        String gid = id("-g", "postgres");
        // A logged-in member's processes carry the group, which the file mode checks; this one does not.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<String> out = probeAs(uid, gid, "{\"protocol\":" + PROTOCOL + ",\"op\":\"command\",\"command\":\"stop\",\"who\":\"pg\"}");
        assertThat(AdminProtocol.JSON.readTree(out.get(0)).get("protocol").asInt()).isEqualTo(PROTOCOL);
        assertThat(AdminProtocol.JSON.readTree(out.get(1)).get("ok").asBoolean()).as(out.toString()).isTrue();
        assertThat(node.received).singleElement().extracting(FakeNode.Received::who)
                .isEqualTo("pg from local user postgres");
    }

    @Test
    void aProcessWhoseGroupIsTheAllowedOneIsServed() throws Exception {
        assumeRootAndSetpriv();
        assumeGroup();
        start(GROUP, LocalAdminServer.DEFAULTS);
        List<String> out = probeAs("65534", id("-g", "postgres").equals("103") ? "103" : groupId(),
                "{\"protocol\":" + PROTOCOL + ",\"op\":\"status\"}");
        assertThat(AdminProtocol.JSON.readTree(out.get(1)).get("ok").asBoolean()).as(out.toString()).isTrue();
    }

    @Test
    void aStaleSocketIsReplacedAndAnythingElseInTheWayIsRefused() throws Exception {
        try (var old = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(socket));
        } // closed without removing the file: what a killed node leaves
        assertThat(Files.exists(socket)).isTrue();
        start("no-such-group-here", LocalAdminServer.DEFAULTS);
        assertThat(AdminClient.local(socket, 5000).status()).isEqualTo(node.status());

        assertThatThrownBy(() -> LocalAdminServer.start(node, null, socket, audit::add))
                .isInstanceOf(IOException.class).hasMessage("cannot open the local admin socket " + socket + ": a running"
                        + " program (another vigil node with the same data directory?) answers on it; stop it first");
        Path file = dir.resolve("file.sock");
        Files.writeString(file, "not a socket");
        assertThatThrownBy(() -> LocalAdminServer.start(node, null, file, audit::add))
                .isInstanceOf(IOException.class).hasMessage("cannot open the local admin socket " + file + ": a file is in"
                        + " the way; remove it, or set admin.socket to another path");
        assertThat(Files.readString(file)).isEqualTo("not a socket");
    }

    @Test
    void aClientThatSendsNothingIsDisconnectedAtTheDeadline() throws Exception {
        start("no-such-group-here", new LocalAdminServer.Limits(1_000, 15_000, 2, 10_000));
        assertThat(AdminClient.local(socket, 5000).status()).as("warm").isEqualTo(node.status());
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            assertThat(in.readLine()).contains("\"protocol\":" + PROTOCOL);
            assertThat(in.readLine()).as("closed by the node").isNull();
        }
        assertThat(AdminClient.local(socket, 5000).status()).isEqualTo(node.status());
    }

    @Test
    void relayingWithoutClusterCertificatesSaysWhy() throws Exception {
        server = LocalAdminServer.start(node, AdminClient.toPeerOf(dir.resolve("unpaired"), "127.0.0.1", 1, 2000),
                socket, audit::add, new LocalAccess("no-such-group-here", LocalAccess.SYSTEM),
                LocalAdminServer.DEFAULTS);
        AdminException e = catchThrowableOfType(AdminException.class,
                () -> AdminClient.local(socket, 5000).toPeer().command("stop", null, "ops"));
        assertThat(e.kind()).isEqualTo(AdminException.Kind.UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo("this node cannot reach its peer over TLS: this node has no cluster"
                + " certificates in " + dir.resolve("unpaired/tls") + "; pair the nodes first (vigil setup secondary"
                + " on node 2, then vigil setup primary on node 1)");
        assertThat(node.received).as("the local node does not take the peer's command").isEmpty();
    }

    @Test
    void nobodyRunningThereIsUnreachableWithTheSocketNamed() {
        AdminException e = catchThrowableOfType(AdminException.class, () -> AdminClient.local(socket, 2000).status());
        assertThat(e.kind()).isEqualTo(AdminException.Kind.UNREACHABLE);
        assertThat(e.getMessage()).startsWith("cannot reach the node's local admin socket " + socket + " (")
                .endsWith("): is `vigil node` running on this machine with this configuration (admin.socket)?");
    }

    private static void assumeRootAndSetpriv() {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root and setpriv to run clients as other users");
    }

    private static void assumeGroup() throws IOException {
        assumeTrue(Files.readString(Path.of("/etc/group")).lines().anyMatch(l -> l.startsWith(GROUP + ":")
                && l.endsWith("postgres")), "needs Debian's ssl-cert group with postgres in it");
    }

    private static String groupId() throws Exception {
        return Files.readString(Path.of("/etc/group")).lines().filter(l -> l.startsWith(GROUP + ":")).findFirst()
                .orElseThrow().split(":")[2];
    }

    private static String id(String flag, String user) throws Exception {
        Process p = new ProcessBuilder("id", flag, user).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /**
     * A copy of the probe's class that any user can read: the build's own folder may sit in a
     * checkout other users cannot enter (CI runs from a 0700 folder, like root's home).
     */
    private Path probeClasses() throws Exception {
        Path root = dir.resolve("probe-classes");
        Path target = root.resolve(UnixSocketProbe.class.getName().replace('.', '/') + ".class");
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (var in = UnixSocketProbe.class.getResourceAsStream(UnixSocketProbe.class.getSimpleName() + ".class")) {
                Files.copy(in, target);
            }
            try (var walk = Files.walk(root)) {
                for (Path p : walk.toList()) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        return root;
    }

    /** Runs {@link UnixSocketProbe} as uid/gid without supplementary groups; its output lines. */
    private List<String> probeAs(String uid, String gid, String request) throws Exception {
        String classes = probeClasses().toString();
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                ProcessHandle.current().info().command().orElse("java"), "-cp", classes,
                UnixSocketProbe.class.getName(), socket.toString(), request));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }
}
