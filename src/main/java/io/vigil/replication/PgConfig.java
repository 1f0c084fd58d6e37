package io.vigil.replication;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One PostgreSQL instance managed by Vigil (SPEC §3, internal database).
 *
 * <p>The admin and replication credentials are cluster-wide: node 2's instance is a physical
 * copy of node 1's ({@code pg_basebackup}), so both hold the same roles and passwords.
 *
 * @param binDir             directory holding pg_ctl, initdb, pg_basebackup, pg_rewind
 * @param osUser             the non-root OS user that owns the data and runs every PostgreSQL
 *                           binary (PostgreSQL refuses to run as root)
 * @param dataDir            the data directory; its parent must be writable by {@code osUser}
 *                           because full resyncs create a fresh directory beside the old one
 * @param port               TCP port (also names the unix socket)
 * @param listenAddress      address the server listens on; Vigil connects to it (or to
 *                           127.0.0.1 when it is a wildcard)
 * @param socketDir          unix socket directory (owned or writable by {@code osUser})
 * @param logFile            server log (pg_ctl -l); its last lines go into every start error
 * @param passFile           libpq password file holding the replication password, mode 0600,
 *                           owned by {@code osUser}; outside the data directory so a resync
 *                           never copies or removes it
 * @param adminUser          superuser created at initdb; Vigil's own SQL connections use it
 * @param adminPassword      its password (never logged; {@link #toString()} hides it)
 * @param replicationUser    role the standby streams with and pg_rewind reads the source with
 * @param replicationPassword its password (never logged)
 * @param applicationName    this node's name in {@code synchronous_standby_names}, e.g. vigil_node2
 * @param clientCidr         addresses allowed to connect for replication (the peer node), e.g.
 *                           10.0.0.0/24; 127.0.0.1/32 for two instances on one machine
 * @param tls                this node's cluster certificates: the server speaks TLS 1.3 and the
 *                           replication user must come over TLS with a certificate of the cluster
 *                           CA; connections to the peer use verify-full. Null: plaintext (a node
 *                           not paired yet, the benchmarks' hand-made pairs)
 */
public record PgConfig(
        Path binDir,
        String osUser,
        Path dataDir,
        int port,
        String listenAddress,
        Path socketDir,
        Path logFile,
        Path passFile,
        String adminUser,
        String adminPassword,
        String replicationUser,
        String replicationPassword,
        String applicationName,
        String clientCidr,
        PgTls tls) {

    public static final Path DEFAULT_BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");
    public static final String DEFAULT_OS_USER = "postgres";

    /** Names go unquoted into SQL, conninfo strings and configuration files: keep them simple. */
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public PgConfig {
        Objects.requireNonNull(binDir, "binDir");
        Objects.requireNonNull(dataDir, "dataDir");
        osUser = osUser == null || osUser.isBlank() ? DEFAULT_OS_USER : osUser;
        listenAddress = listenAddress == null || listenAddress.isBlank() ? "127.0.0.1" : listenAddress;
        socketDir = socketDir == null ? dataDir.toAbsolutePath().getParent() : socketDir;
        logFile = logFile == null ? sibling(dataDir, ".log") : logFile;
        passFile = passFile == null ? sibling(dataDir, ".pgpass") : passFile;
        clientCidr = clientCidr == null || clientCidr.isBlank() ? "127.0.0.1/32" : clientCidr;
        requireName("adminUser", adminUser);
        requireName("replicationUser", replicationUser);
        requireName("applicationName", applicationName);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("database port " + port + " is not a TCP port (1-65535)");
        }
        requireSecret("adminPassword", adminPassword);
        requireSecret("replicationPassword", replicationPassword);
    }

    /** Without TLS (see {@code tls}). */
    public PgConfig(Path binDir, String osUser, Path dataDir, int port, String listenAddress, Path socketDir,
                    Path logFile, Path passFile, String adminUser, String adminPassword, String replicationUser,
                    String replicationPassword, String applicationName, String clientCidr) {
        this(binDir, osUser, dataDir, port, listenAddress, socketDir, logFile, passFile, adminUser, adminPassword,
                replicationUser, replicationPassword, applicationName, clientCidr, null);
    }

    /** A configuration with the defaults: Debian's PostgreSQL 15 run by the "postgres" user. */
    public static PgConfig of(Path dataDir, int port, String applicationName,
                              String adminPassword, String replicationPassword) {
        return new PgConfig(DEFAULT_BIN_DIR, DEFAULT_OS_USER, dataDir, port, null, null, null, null,
                "vigil_admin", adminPassword, "vigil_replication", replicationPassword, applicationName, null);
    }

    public PgConfig withBinDir(Path dir) {
        return new PgConfig(dir, osUser, dataDir, port, listenAddress, socketDir, logFile, passFile,
                adminUser, adminPassword, replicationUser, replicationPassword, applicationName, clientCidr, tls);
    }

    /**
     * The same instance with another data directory; the socket, log and password file stay where
     * they were (they are resolved at construction).
     */
    public PgConfig withDataDir(Path dir) {
        return new PgConfig(binDir, osUser, dir, port, listenAddress, socketDir, logFile, passFile,
                adminUser, adminPassword, replicationUser, replicationPassword, applicationName, clientCidr, tls);
    }

    public PgConfig withPort(int newPort) {
        return new PgConfig(binDir, osUser, dataDir, newPort, listenAddress, socketDir, logFile, passFile,
                adminUser, adminPassword, replicationUser, replicationPassword, applicationName, clientCidr, tls);
    }

    /** The same instance with TLS from these certificates (null: plaintext). */
    public PgConfig withTls(PgTls newTls) {
        return new PgConfig(binDir, osUser, dataDir, port, listenAddress, socketDir, logFile, passFile,
                adminUser, adminPassword, replicationUser, replicationPassword, applicationName, clientCidr, newTls);
    }

    /** The address a client on this machine uses to reach the server. */
    public String connectHost() {
        return "*".equals(listenAddress) || "0.0.0.0".equals(listenAddress) ? "127.0.0.1" : listenAddress;
    }

    public Path bin(String tool) {
        return binDir.resolve(tool);
    }

    /** Hides both passwords: this record ends up in logs and exception messages. */
    @Override
    public String toString() {
        return "PgConfig[binDir=" + binDir + ", osUser=" + osUser + ", dataDir=" + dataDir + ", port=" + port
                + ", listenAddress=" + listenAddress + ", socketDir=" + socketDir + ", logFile=" + logFile
                + ", passFile=" + passFile + ", adminUser=" + adminUser + ", replicationUser=" + replicationUser
                + ", applicationName=" + applicationName + ", clientCidr=" + clientCidr + ", tls=" + tls + ", passwords=***]";
    }

    private static Path sibling(Path dataDir, String suffix) {
        Path abs = dataDir.toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + suffix);
    }

    private static void requireName(String key, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("database " + key + " '" + value
                    + "' must be lower-case letters, digits and '_' (at most 63, not starting with a digit)");
        }
    }

    private static void requireSecret(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("database " + key + " is empty: set a password");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("database " + key + " contains a line break or NUL: choose another");
        }
    }
}
