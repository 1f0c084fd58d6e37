package io.vigil.console;

import io.vigil.config.VigilConfig;
import io.vigil.daemon.NodeDaemon;
import io.vigil.demo.LocalCluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A real node daemon in this JVM with its console on a free loopback port, and no peer running
 * (so the console must show node2 as unreachable). Real sockets, real logs, real event loop.
 */
final class OneNode implements AutoCloseable {
    final NodeDaemon daemon;
    final String base;
    final String password;
    final Path dir;

    private OneNode(NodeDaemon daemon, String base, String password, Path dir) {
        this.daemon = daemon;
        this.base = base;
        this.password = password;
        this.dir = dir;
    }

    static OneNode start(Path dir) throws Exception {
        return start(dir, "", "http");
    }

    /** @param consoleExtra more lines of the console: section (two-space indented), e.g. certificate: */
    static OneNode start(Path dir, String consoleExtra, String scheme) throws Exception {
        return start(dir, consoleExtra, scheme, freeTcp());
    }

    static OneNode start(Path dir, String consoleExtra, String scheme, int console) throws Exception {
        return start(dir, consoleExtra, scheme, console, null);
    }

    /** @param passwordFile a given password file, or null for a new random password */
    static OneNode start(Path dir, String consoleExtra, String scheme, int console, Path passwordFile)
            throws Exception {
        return start(dir, consoleExtra, scheme, console, passwordFile, false);
    }

    /** A node that holds cluster certificates (paired, issue 12): its console is HTTPS by default. */
    static OneNode startPaired(Path dir, String consoleExtra, String scheme) throws Exception {
        return start(dir, consoleExtra, scheme, freeTcp(), null, true);
    }

    /** A node without cluster certificates (setup not run): its console falls back to HTTP, with a warning. */
    static OneNode startUnpaired(Path dir) throws Exception {
        return start(dir, "", "http", freeTcp(), null, null);
    }

    /** @param paired true: certificates, HTTPS by default; false: certificates, plain HTTP asked for; null: none */
    private static OneNode start(Path dir, String consoleExtra, String scheme, int console, Path passwordFile,
                                 Boolean paired) throws Exception {
        LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);

        if (Boolean.FALSE.equals(paired) && scheme.equals("http") && !consoleExtra.contains("protocol:")) {
            // Every node here holds cluster certificates (its peer is reached over TLS), which makes
            // HTTPS the console's default; the tests that speak plain HTTP ask for it explicitly.
            consoleExtra = consoleExtra + "  protocol: http\n";
        }
        Path pw = passwordFile != null ? passwordFile : dir.resolve("console-password");
        String password = passwordFile != null ? null : LocalCluster.writeConsolePassword(pw);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String yaml = "cluster:\n  name: apitest\n  key: \"" + HexFormat.of().formatHex(key) + "\"\n"
                + "node:\n  id: 1\n  dataDir: " + dir.resolve("node1") + "\n  hostName: node1\n"
                + "peer:\n  hostName: node2\n  adminAddress: 127.0.0.1\n  adminPort: " + freeTcp() + "\n"
                + "admin:\n  bindAddress: 127.0.0.1\n  port: " + freeTcp() + "\n"
                + "heartbeat:\n  intervalMs: 200\n  timeoutMs: 1000\n  basePort: " + freeUdpPair()
                + "\n  networks:\n    - local: 127.0.0.1\n      peer: 127.0.0.1\n"
                + "console:\n  bindAddress: 127.0.0.1\n  port: " + console + "\n  passwordFile: " + pw + "\n"
                + consoleExtra;
        Path file = dir.resolve("node1.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        if (paired != null) {
            // Paired, as setup leaves a node (issue 12): the peer is reached over TLS, and is absent.
            io.vigil.pki.ClusterTls.provisionLocal("apitest", java.util.List.of(), dir.resolve("node1"),
                    dir.resolve("node2-certificates"));
        }
        NodeDaemon d = NodeDaemon.start(VigilConfig.load(file));
        return new OneNode(d, scheme + "://127.0.0.1:" + console, password, dir);
    }

    String moduleLog() throws IOException {
        return Files.readString(dir.resolve("node1/log/module.log"));
    }

    @Override
    public void close() {
        daemon.close();
    }

    static int freeTcp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Admin (and service) ports come in pairs (node N uses port+N-1; the event server +10). */
    static int freeTcpPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = 20000 + new java.security.SecureRandom().nextInt(20000);
            try (java.net.ServerSocket a = new java.net.ServerSocket(p); java.net.ServerSocket b = new java.net.ServerSocket(p + 1);
                 java.net.ServerSocket c = new java.net.ServerSocket(p + 10)) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free TCP ports found");
    }

    static int freeUdpPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = 40000 + new SecureRandom().nextInt(10000);
            try (DatagramSocket a = new DatagramSocket(p); DatagramSocket b = new DatagramSocket(p + 1)) {
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free UDP port pair found");
    }
}
