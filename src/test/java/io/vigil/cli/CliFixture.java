package io.vigil.cli;

import io.vigil.admin.AdminServer;
import io.vigil.admin.FakeNode;
import io.vigil.security.ClusterKeys;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs `vigil` in-process against fake nodes behind real admin servers, capturing its output. */
abstract class CliFixture {

    static final String KEY = "00112233445566778899aabbccddeeff0011223344556677";
    static final String WRONG_KEY = "ffeeddccbbaa99887766554433221100ffeeddccbbaa9988";

    @TempDir
    Path dir;

    final List<AdminServer> servers = new ArrayList<>();
    final List<String> audit = new ArrayList<>();

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    @AfterEach
    void stopServers() {
        servers.forEach(AdminServer::close);
    }

    int serve(FakeNode node) throws IOException {
        return serve(node, KEY);
    }

    int serve(FakeNode node, String hexKey) throws IOException {
        // A node's admin channel uses the admin key derived from its cluster key (issue 10 item 5).
        AdminServer s = AdminServer.start(node, ClusterKeys.of(HexFormat.of().parseHex(hexKey)).admin(), "127.0.0.1", 0,
                line -> {
                    synchronized (audit) {
                        audit.add(line);
                    }
                });
        servers.add(s);
        return s.port();
    }

    /** A port on which nothing listens. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A valid node-1 configuration whose admin channels point at the given ports. */
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
