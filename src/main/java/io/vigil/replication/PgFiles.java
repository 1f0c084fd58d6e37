package io.vigil.replication;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The configuration files Vigil writes into a data directory.
 *
 * <p>Node-local settings (port, addresses, socket) live in {@code vigil-local.conf}, included
 * from {@code postgresql.conf}, and are rewritten after every basebackup and rewind: both tools
 * copy the source's configuration files, which carry the <em>other</em> node's port. Settings
 * Vigil changes at run time go through ALTER SYSTEM into {@code postgresql.auto.conf}, which
 * is also copied, so a new standby's copy is scrubbed of {@code synchronous_standby_names}:
 * once promoted it would otherwise wait for a standby named after itself and block every commit.
 */
final class PgFiles {

    static final String LOCAL_CONF = "vigil-local.conf";
    private static final String AUTO_CONF = "postgresql.auto.conf";
    /** WAL segment size given to initdb, in MB; min_wal_size must be at least two segments. */
    static final int WAL_SEGMENT_MB = 1;
    /** What a primary keeps of its own WAL (postgresql.conf); a standby overrides it with 0. */
    static final String PRIMARY_WAL_KEEP = "64MB";
    /** postgresql.auto.conf settings that writeStandbySettings replaces (or, for a primary's, drops). */
    private static final Set<String> REWRITTEN_FOR_STANDBY = Set.of("primary_conninfo",
            "synchronous_standby_names", "primary_slot_name", "wal_keep_size", "checkpoint_timeout");
    /** SQL that gives a promoted standby the primary's WAL settings (postgresql.conf's) back. */
    static final List<String> RESET_STANDBY_ONLY = List.of("ALTER SYSTEM RESET wal_keep_size",
            "ALTER SYSTEM RESET checkpoint_timeout");

    private PgFiles() {
    }

    /** Cluster-wide settings appended to postgresql.conf once, at initdb. */
    static void appendClusterSettings(PgConfig cfg) {
        String settings = "\n# --- Vigil (SPEC §3): streaming replication, pg_rewind-able ---\n"
                + "wal_level = replica\n"
                + "max_wal_senders = 5\n"
                + "max_replication_slots = 5\n"
                // PostgreSQL 15's pg_rewind copies every file of the source's pg_wal on each failback
                // (skipping WAL before the divergence is not in a release yet), and the source is
                // the standby just promoted. So a standby keeps no WAL beyond its last restartpoint
                // (wal_keep_size 0, see writeStandbySettings), while a primary keeps 64 MB: the rewind
                // of a former primary reads its own WAL back to the last checkpoint it shared with
                // the peer. Segments are 1 MB (initdb --wal-segsize; a VMS's database writes
                // little), so the recycled future segments min_wal_size keeps, and the partly used
                // current one, are small too. max_wal_size bounds pg_wal between checkpoints.
                + "wal_keep_size = '" + PRIMARY_WAL_KEEP + "'\n"
                + "min_wal_size = '" + 4 * WAL_SEGMENT_MB + "MB'\n"
                + "max_wal_size = '128MB'\n"
                // The peer's slot keeps what it has not received; this caps it so a node gone for
                // good cannot fill the disk (its slot is then invalidated and it resyncs in full).
                + "max_slot_wal_keep_size = '4GB'\n"
                + "hot_standby = on\n"
                + "hot_standby_feedback = on\n"
                // pg_rewind needs hint-bit changes WAL-logged (data checksums are also on).
                + "wal_log_hints = on\n"
                + "synchronous_commit = on\n"
                + "password_encryption = 'scram-sha-256'\n"
                + "include_if_exists = '" + LOCAL_CONF + "'\n";
        Path conf = cfg.dataDir().resolve("postgresql.conf");
        List<String> current = PgCommand.readOwned(cfg, conf);
        if (current.isEmpty()) {
            throw PgException.of("could not update " + conf + ": it is missing or empty", "", List.of(),
                    "check the data directory " + cfg.dataDir());
        }
        PgCommand.writeOwned(cfg, conf, String.join("\n", current) + "\n" + settings, "rw-------");
    }

    /**
     * This node's own settings, TLS and pg_hba.conf included (the certificates are this node's, and
     * their copies are refreshed here); rewritten after anything that copies the peer's files.
     * pg_basebackup and pg_rewind copy the peer's pg_hba.conf, which names the peer's addresses: on
     * two hosts it would refuse this node's own connections to its server (issue 12).
     */
    static void writeLocalSettings(PgConfig cfg) {
        installTls(cfg);
        writeHba(cfg);
        String content = "# Written by Vigil: this node's own settings. Rewritten after every resync.\n"
                + "listen_addresses = '" + cfg.listenAddress() + "'\n"
                + "port = " + cfg.port() + "\n"
                + "unix_socket_directories = '" + cfg.socketDir() + "'\n"
                + "cluster_name = '" + cfg.applicationName() + "'\n"
                + PgTls.serverSettings(cfg);
        PgCommand.writeOwned(cfg, cfg.dataDir().resolve(LOCAL_CONF), content, "rw-------");
    }

    /** The database user's copies of this node's certificates (server and libpq client); none without TLS. */
    static void installTls(PgConfig cfg) {
        if (cfg.tls() != null) {
            cfg.tls().install(cfg);
        }
    }

    /**
     * Who may connect: the replication user from the peer (streaming and pg_rewind's source
     * connection), everybody else from this machine only, always with a SCRAM password.
     *
     * <p>With TLS (issue 12) the replication user, the only one the peer uses, must come over TLS
     * <em>and</em> prove a certificate of the cluster CA ({@code clientcert=verify-ca}) on top of its
     * password, from wherever it connects: the {@code reject} lines refuse it in plaintext before
     * the lines for this machine's own clients can match (on one machine, as in the demo, the
     * peer connects from 127.0.0.1 too). Local administration (the unix socket) is unchanged.
     */
    static void writeHba(PgConfig cfg) {
        String repl = cfg.replicationUser();
        String peerAuth = cfg.tls() == null ? "host" : "hostssl";
        String peerMethod = cfg.tls() == null ? "scram-sha-256" : "scram-sha-256 clientcert=verify-ca";
        StringBuilder content = new StringBuilder("# Written by Vigil (SPEC §3). TYPE DATABASE USER ADDRESS METHOD\n")
                .append("local all all peer\n");
        for (String cidr : new LinkedHashSet<>(List.of(cfg.clientCidr(), "127.0.0.1/32"))) {
            content.append(peerAuth).append(" replication ").append(repl).append(' ').append(cidr).append(' ')
                    .append(peerMethod).append('\n')
                    .append(peerAuth).append(" all ").append(repl).append(' ').append(cidr).append(' ')
                    .append(peerMethod).append('\n');
        }
        if (cfg.tls() != null) {
            content.append("host replication ").append(repl).append(" all reject\n")
                    .append("host all ").append(repl).append(" all reject\n");
        }
        content.append("host all all 127.0.0.1/32 scram-sha-256\n");
        // The services run on this node and reach the server at its listen address.
        if (cfg.connectHost().matches("\\d{1,3}(\\.\\d{1,3}){3}") && !cfg.connectHost().equals("127.0.0.1")) {
            content.append("host all all ").append(cfg.connectHost()).append("/32 scram-sha-256\n");
        }
        PgCommand.writeOwned(cfg, cfg.dataDir().resolve("pg_hba.conf"), content.toString(), "rw-------");
    }

    /**
     * Makes a stopped data directory a standby of {@code primary}: standby.signal plus
     * primary_conninfo naming this node, so the primary can list it in synchronous_standby_names.
     */
    static void writeStandbySettings(PgConfig cfg, PgConfig primary) {
        writePassFile(cfg, primary);
        List<String> kept = new ArrayList<>();
        Path auto = cfg.dataDir().resolve(AUTO_CONF);
        for (String line : PgCommand.readOwned(cfg, auto)) {
            String key = line.strip().split("[\\s=]", 2)[0];
            if (!REWRITTEN_FOR_STANDBY.contains(key)) {
                kept.add(line);
            }
        }
        // Nothing streams from a standby and its own crash recovery starts at its last
        // restartpoint, so older WAL would only be copied by the next failback's pg_rewind
        // (the promoted standby is its source). A restartpoint is possible only at a checkpoint
        // the primary wrote; checking every 30 s (the minimum) rather than 5 minutes moves it,
        // and with it the WAL kept, soon after each one. A promotion resets both (PgInstance).
        kept.add("wal_keep_size = '0'");
        kept.add("checkpoint_timeout = '30s'");
        kept.add("primary_conninfo = '" + confQuote(conninfo(cfg, primary, "replication")) + "'");
        if (primaryHasSlot(cfg, primary, cfg.applicationName())) {
            kept.add("primary_slot_name = '" + cfg.applicationName() + "'");
        }
        PgCommand.writeOwned(cfg, auto, String.join("\n", kept) + "\n", "rw-------");
        PgCommand.writeOwned(cfg, cfg.dataDir().resolve("standby.signal"), "", "rw-------");
    }

    /** Whether the primary keeps a replication slot for this standby (Vigil's primaries do). */
    private static boolean primaryHasSlot(PgConfig cfg, PgConfig primary, String name) {
        try (java.sql.Connection c = PgSql.replication(cfg, primary); java.sql.PreparedStatement st = c.prepareStatement(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, name);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        } catch (java.sql.SQLException | PgException e) {
            return false; // stream without a slot: wal_keep_size still covers a short absence
        }
    }

    /**
     * libpq connection string to {@code primary} as the replication user; the password comes from
     * the password file so it never appears on a command line, in a config file or a log. With
     * TLS: verify-full against the cluster CA, this node's certificate as the client's.
     *
     * @param dbname "replication" for streaming (pg_basebackup ignores it), "postgres" for SQL
     */
    static String conninfo(PgConfig cfg, PgConfig primary, String dbname) {
        StringBuilder sb = new StringBuilder()
                .append("host=").append(primary.connectHost())
                .append(" port=").append(primary.port())
                .append(" user=").append(primary.replicationUser())
                .append(" passfile=").append(connQuote(cfg.passFile().toString()))
                .append(" application_name=").append(cfg.applicationName())
                .append(" connect_timeout=5")
                .append(PgTls.clientOptions(cfg));
        if (!"replication".equals(dbname)) {
            sb.append(" dbname=").append(dbname);
        }
        return sb.toString();
    }

    /** The replication password for {@code primary}, in libpq's password-file format, mode 0600. */
    static void writePassFile(PgConfig cfg, PgConfig primary) {
        String prefix = passEscape(primary.connectHost()) + ":" + primary.port() + ":*:"
                + passEscape(primary.replicationUser()) + ":";
        List<String> lines = new ArrayList<>();
        for (String line : PgCommand.readOwned(cfg, cfg.passFile())) {
            if (!line.startsWith(prefix)) {
                lines.add(line);
            }
        }
        lines.add(prefix + passEscape(primary.replicationPassword()));
        PgCommand.writeOwned(cfg, cfg.passFile(), String.join("\n", lines) + "\n", "rw-------");
    }

    private static String passEscape(String s) {
        return s.replace("\\", "\\\\").replace(":", "\\:");
    }

    static String connQuote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Quoting for a value in a PostgreSQL configuration file (backslash escapes, doubled quote). */
    private static String confQuote(String s) {
        return s.replace("\\", "\\\\").replace("'", "''");
    }
}
