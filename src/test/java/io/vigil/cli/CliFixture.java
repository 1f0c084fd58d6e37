package io.vigil.cli;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminServer;
import io.vigil.admin.FakeNode;
import io.vigil.admin.LocalAdminServer;
import io.vigil.pki.ClusterTls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs `vigil` in-process against fake nodes behind real admin channels, capturing its output.
 * Issue 12: the CLI reaches its own node through the local Unix socket of the configuration
 * ({@code admin.socket}); that node relays to its peer over TLS. So the fixture serves the local
 * fake node on a real {@link LocalAdminServer}, whose peer is a second fake node behind a real TLS
 * {@link AdminServer}, with certificates of one cluster CA.
 */
abstract class CliFixture {

    static final String KEY = "00112233445566778899aabbccddeeff0011223344556677";

    @TempDir
    Path dir;

    final List<AutoCloseable> servers = new ArrayList<>();
    final List<String> audit = new ArrayList<>();
    private ClusterTls node1Tls;
    private ClusterTls node2Tls;
    private ClusterTls otherTls;

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    /** The local node's socket path in the configurations of {@link #config}. */
    Path socket() {
        return dir.resolve("data/node1/admin.sock");
    }

    /** The fake nodes served, by their TLS port: {@link #config} serves the local one on the socket. */
    private final java.util.Map<Integer, FakeNode> byPort = new java.util.HashMap<>();

    /**
     * Serves {@code node} over TLS with a node certificate of the cluster CA.
     *
     * @return its TLS port: pass it to {@link #config} as the local port (the node is then also
     *         served on the local socket) or as the peer's
     */
    int serve(FakeNode node) throws IOException {
        return serve(node, false);
    }

    /** The same with a certificate of another cluster's CA. */
    int serveOtherCluster(FakeNode node) throws IOException {
        return serve(node, true);
    }

    private int serve(FakeNode node, boolean otherCluster) throws IOException {
        certificates();
        AdminServer s = AdminServer.start(node, otherCluster ? otherTls : node2Tls, "127.0.0.1", 0, null,
                this::audit);
        servers.add(s);
        byPort.put(s.port(), node);
        return s.port();
    }

    /**
     * Serves {@code node} as node 1, this machine's node, on the configuration's local socket,
     * relaying to the peer at {@code peerPort} over TLS with node 1's certificate.
     */
    void serveLocal(FakeNode node, int peerPort) throws IOException {
        certificates();
        Files.createDirectories(socket().getParent());
        servers.add(LocalAdminServer.start(node, AdminClient.overTls(node1Tls, "127.0.0.1", peerPort, 20_000),
                socket(), this::audit));
    }

    private void certificates() throws IOException {
        if (node1Tls != null) {
            return;
        }
        Path certs = dir.resolve("certs");
        try {
            ClusterTls.provisionLocal("demo", List.of(), certs.resolve("n1"), certs.resolve("n2"));
            ClusterTls.provisionLocal("other", List.of(), certs.resolve("o1"));
            node1Tls = ClusterTls.load(certs.resolve("n1"));
            node2Tls = ClusterTls.load(certs.resolve("n2"));
            otherTls = ClusterTls.load(certs.resolve("o1"));
        } catch (java.security.GeneralSecurityException | io.vigil.pki.PkiException e) {
            throw new IOException("test certificates: " + e.getMessage(), e);
        }
    }

    private void audit(String line) {
        synchronized (audit) {
            audit.add(line);
        }
    }

    /** A port on which nothing listens. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A valid node-1 configuration whose peer's admin channel is at {@code peerAdminPort}; its
     * local socket is {@link #socket()} ({@code localAdminPort} is the TCP port it would bind).
     */
    Path config(int localAdminPort, int peerAdminPort) throws IOException {
        Path f = dir.resolve("vigil.yaml");
        Files.writeString(f, """
                cluster:
                  name: demo
                  key: "%s"
                node:
                  id: 1
                  dataDir: data/node1
                  hostName: node1
                peer:
                  hostName: node2
                  adminAddress: 127.0.0.1
                  adminPort: %d
                admin:
                  bindAddress: 127.0.0.1
                  port: %d
                heartbeat:
                  networks:
                    - local: 127.0.0.1
                      peer: 127.0.0.1
                """.formatted(KEY, peerAdminPort, localAdminPort));
        // It holds the key inline: `config check` refuses it readable by others (issue 10 item 7).
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        if (byPort.containsKey(localAdminPort)) {
            serveLocal(byPort.get(localAdminPort), peerAdminPort);
        }
        return f;
    }

    Run vigil(String... args) {
        return vigil(new Terminal(false, false, new BufferedReader(new StringReader(""))), args);
    }

    static Run vigil(Terminal terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VigilCommand(terminal));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
