package io.vigil.replication;

import static org.assertj.core.api.Assertions.fail;

import io.vigil.pki.ClusterTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Real PostgreSQL instances on loopback for tests: a private directory owned by the
 * "postgres" OS user, random free ports in 20000-40000, everything stopped and removed at close.
 *
 * <p>Like paired nodes, every instance has TLS (issue 12): a node certificate of one cluster CA
 * made for the fixture, valid for localhost and 127.0.0.1, in a root-owned Vigil data directory
 * of its own ({@link #plaintext()} for none).
 */
final class PgFixture implements AutoCloseable {

    static final String ADMIN_PASSWORD = "admin-secret-Xy7";
    static final String REPLICATION_PASSWORD = "repl-secret-Qw3";

    private final Path base;
    private final List<PgInstance> instances = new ArrayList<>();
    private final Set<Integer> ports = new HashSet<>();
    /** The nodes' Vigil data directories (only their tls/), root's like a node's. */
    private final Path nodes;
    private final ClusterTls.Authority ca;

    /** Instances with TLS from one cluster CA. */
    PgFixture() throws IOException {
        this(true);
    }

    /** Instances without TLS, as before pairing. */
    static PgFixture plaintext() throws IOException {
        return new PgFixture(false);
    }

    private PgFixture(boolean tls) throws IOException {
        requirePostgres();
        nodes = Files.createTempDirectory("vigil-pg-nodes-");
        ca = tls ? authority("fixture") : null;
        base = Files.createTempDirectory("vigil-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        PgCommand.own(config("owner_probe", 20000), base);
    }

    static ClusterTls.Authority authority(String cluster) {
        try {
            return ClusterTls.Authority.create(cluster, Instant.now());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Certificates of {@code authority} for node {@code name} (localhost, 127.0.0.1), made once,
     * in a Vigil data directory of their own.
     */
    /** The fixture's cluster CA (null without TLS), to issue renewed node certificates. */
    ClusterTls.Authority ca() {
        return ca;
    }

    PgTls tls(String name, ClusterTls.Authority authority) {
        Path dir = nodes.resolve(name + "-" + Integer.toHexString(System.identityHashCode(authority)));
        try {
            if (!ClusterTls.present(dir)) {
                Files.createDirectories(dir);
                ClusterTls.install(dir, authority.certificate(), null,
                        authority.issueNode(List.of("localhost"), List.of("127.0.0.1"), Instant.now()));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return new PgTls(dir);
    }

    /**
     * CI installs PostgreSQL (scripts/setup.sh): a missing installation is a broken machine,
     * so the tests fail, loudly, instead of silently skipping the only real-database coverage.
     */
    static void requirePostgres() {
        if (!Files.isExecutable(PgConfig.DEFAULT_BIN_DIR.resolve("initdb"))) {
            fail("PostgreSQL 15 is not installed (" + PgConfig.DEFAULT_BIN_DIR.resolve("initdb")
                    + " is missing): run scripts/setup.sh, which installs it (CI does)");
        }
    }

    Path base() {
        return base;
    }

    PgConfig config(String name, int port) {
        return PgConfig.of(base == null ? Path.of("/tmp", name) : base.resolve(name), port, "vigil_" + name,
                ADMIN_PASSWORD, REPLICATION_PASSWORD).withTls(ca == null ? null : tls(name, ca));
    }

    /** A new, not yet initialized instance on a free port. */
    PgInstance instance(String name) {
        PgInstance pg = new PgInstance(config(name, freePort()));
        instances.add(pg);
        return pg;
    }

    PgInstance track(PgInstance pg) {
        instances.add(pg);
        return pg;
    }

    int freePort() {
        for (int i = 0; i < 200; i++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 40000);
            if (ports.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                ports.add(port);
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port in 20000-40000");
    }

    static Connection connect(PgInstance pg) throws SQLException {
        PgConfig c = pg.config();
        Properties p = new Properties();
        p.setProperty("user", c.adminUser());
        p.setProperty("password", c.adminPassword());
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.port() + "/postgres", p);
    }

    @Override
    public void close() throws IOException {
        for (PgInstance pg : instances) {
            try {
                pg.stop(PgInstance.StopMode.IMMEDIATE);
            } catch (RuntimeException e) {
                // best effort: the next instance must still be stopped
            }
        }
        for (Path dir : List.of(base, nodes)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
