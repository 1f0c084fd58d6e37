package io.vigil.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL instance on this node, driven through PostgreSQL's own tools (issue 3: no
 * file-copying logic of our own where pg_basebackup and pg_rewind serve). Blocking calls: the
 * daemon runs them off its event loop and reports the outcome as an event.
 */
public final class PgInstance {

    private static final Logger log = LoggerFactory.getLogger(PgInstance.class);

    /** pg_ctl -w timeout for start, stop and promote. */
    static final Duration CTL_TIMEOUT = Duration.ofSeconds(120);

    public enum StopMode {
        /** Roll back sessions, checkpoint, exit cleanly. */
        FAST,
        /** Exit at once, as after a crash; the next start runs crash recovery. */
        IMMEDIATE
    }

    private final PgConfig cfg;

    public PgInstance(PgConfig cfg) {
        this.cfg = cfg;
    }

    public PgConfig config() {
        return cfg;
    }

    /**
     * Creates a new primary's data directory: data checksums on (pg_rewind needs them or
     * wal_log_hints), replication settings, pg_hba.conf, the replication role. Leaves the
     * instance stopped. Refuses a non-empty data directory: overwriting data is the basebackup's
     * job, which keeps a copy.
     *
     * <p>All or nothing: the directory is built beside the data directory and moved into place
     * only once complete. A start that fails half-way (say the port is taken when the role is
     * created) must not leave a database that looks initialized but lacks the replication role,
     * which the next attempt would then start as is and no standby could ever follow (issue 16).
     */
    public void initdb() {
        PgCommand.tool(cfg, "initdb");
        PgCommand.tool(cfg, "pg_ctl");
        Path target = cfg.dataDir();
        requireEmptyOrAbsent(target);
        Path building = target.toAbsolutePath().resolveSibling(target.getFileName() + ".initializing");
        try {
            PgCommand.removeOwned(cfg, building); // a previous attempt's leftovers (crash, kill -9)
            new PgInstance(cfg.withDataDir(building)).initdbHere();
            Files.deleteIfExists(target); // empty, as checked above
            Files.move(building, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw PgException.of("could not move the new database " + building + " into place at " + target + ": "
                    + e.getMessage(), "", List.of(), "check that " + target.getParent() + " is writable");
        } finally {
            try {
                PgCommand.removeOwned(cfg, building);
            } catch (PgException e) {
                log.warn("could not remove the unfinished database {}: {}", building, e.summary());
            }
        }
        log.info("initialized PostgreSQL data directory {} (port {})", cfg.dataDir(), cfg.port());
    }

    private static void requireEmptyOrAbsent(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw PgException.of("refusing to initialize " + dir + ": it is not empty", "", List.of(),
                        "move the old data away or pick an empty data directory");
            }
        } catch (IOException e) {
            throw PgException.of("cannot read " + dir + ": " + e.getMessage(), "", List.of(),
                    "check the data directory's permissions");
        }
    }

    /** {@link #initdb()}'s steps, in this instance's (temporary) data directory. */
    private void initdbHere() {
        Path initdb = PgCommand.tool(cfg, "initdb");
        Path pwFile = null;
        try {
            prepareDataDir();
            pwFile = cfg.dataDir().toAbsolutePath().resolveSibling(cfg.dataDir().getFileName() + ".initpw");
            PgCommand.writeOwned(cfg, pwFile, cfg.adminPassword() + "\n", "rw-------");
            run("initializing the database in " + cfg.dataDir(), List.of(initdb.toString(),
                    "-D", cfg.dataDir().toString(), "--data-checksums", "--wal-segsize=" + PgFiles.WAL_SEGMENT_MB,
                    "-U", cfg.adminUser(),
                    "--pwfile=" + pwFile, "--auth-local=peer", "--auth-host=scram-sha-256",
                    "-E", "UTF8", "--locale=C"), Duration.ofMinutes(5),
                    "check that " + cfg.dataDir().getParent() + " is writable by OS user " + cfg.osUser());
        } finally {
            deleteQuietly(pwFile);
        }
        PgFiles.appendClusterSettings(cfg);
        PgFiles.writeLocalSettings(cfg);
        start();
        try {
            createReplicationRole();
        } finally {
            stop(StopMode.FAST);
        }
    }

    /**
     * Creates the data directory's parent for the OS user: pg_basebackup (run as that user)
     * creates the data directory itself, and the socket and server log live beside it.
     */
    public void prepareHome() {
        Path home = cfg.dataDir().toAbsolutePath().getParent();
        try {
            if (!Files.isDirectory(home)) {
                Files.createDirectories(home);
            }
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            PgCommand.own(cfg, home);
        } catch (IOException e) {
            throw PgException.of("could not prepare " + home + " for PostgreSQL: " + e.getMessage(), "", List.of(),
                    "check that its parent exists and is writable");
        }
    }

    /** Starts the instance and waits until it accepts connections; a running instance is left alone. */
    public void start() {
        Path pgCtl = PgCommand.tool(cfg, "pg_ctl");
        if (!Files.isRegularFile(cfg.dataDir().resolve("PG_VERSION"))) {
            throw PgException.of("cannot start PostgreSQL: no data directory at " + cfg.dataDir(), "", List.of(),
                    "run the initial configuration (node 1: initdb; node 2: copy from node 1) or fix the data directory");
        }
        if (isRunning()) {
            return;
        }
        requirePortFree();
        prepareLogAndSocket();
        // The Vigil configuration is the truth for port and addresses, whatever a copy brought:
        // pg_basebackup and pg_rewind bring the peer's pg_hba.conf, which admits the peer's own
        // address, not this node's (its daemon and services connect to its listen address).
        PgFiles.writeHba(cfg);
        PgFiles.writeLocalSettings(cfg);
        PgCommand.Result r = PgCommand.run(cfg, List.of(pgCtl.toString(), "start", "-w",
                "-t", String.valueOf(CTL_TIMEOUT.toSeconds()), "-D", cfg.dataDir().toString(),
                "-l", cfg.logFile().toString()), CTL_TIMEOUT.plusSeconds(10), Map.of(), line -> { });
        if (!r.ok()) {
            List<String> serverLog = PgCommand.lastLines(cfg.logFile(), 10);
            List<String> out = new ArrayList<>(r.tail());
            out.addAll(serverLog);
            boolean portTaken = serverLog.stream().anyMatch(l -> l.contains("Address already in use"));
            throw PgException.of("starting PostgreSQL on port " + cfg.port() + " failed (exit " + r.exitCode() + ")",
                    r.commandLine(), out, portTaken
                            ? "port " + cfg.port() + " is used by another program: stop it or choose another database port"
                            : "read the server log " + cfg.logFile() + " for the cause");
        }
        log.info("PostgreSQL started: {} port {}", cfg.dataDir(), cfg.port());
    }

    /** Stops the instance; stopping a stopped instance succeeds (idempotent resource contract). */
    public void stop(StopMode mode) {
        Path pgCtl = PgCommand.tool(cfg, "pg_ctl");
        if (!isRunning()) {
            return;
        }
        run("stopping PostgreSQL (" + mode.name().toLowerCase() + ") in " + cfg.dataDir(), List.of(pgCtl.toString(),
                "stop", "-w", "-t", String.valueOf(CTL_TIMEOUT.toSeconds()), "-D", cfg.dataDir().toString(),
                "-m", mode.name().toLowerCase()), CTL_TIMEOUT.plusSeconds(10),
                "stop it with 'pg_ctl stop -m immediate -D " + cfg.dataDir() + "' as " + cfg.osUser());
        log.info("PostgreSQL stopped ({}): {}", mode.name().toLowerCase(), cfg.dataDir());
    }

    /**
     * After {@code vigil cert renew}: refreshes the database user's copies of the node's
     * certificates and has the running server re-read them (PostgreSQL reloads its SSL files on
     * SIGHUP), so new connections, replication's included, see the new certificate without a
     * restart. Connections already open keep the session they negotiated. Nothing without TLS or
     * without a running server (a start copies them anyway). Returns whether it reloaded.
     */
    public boolean reloadTls() {
        if (cfg.tls() == null || !isRunning()) {
            return false;
        }
        PgFiles.installTls(cfg);
        Path pgCtl = PgCommand.tool(cfg, "pg_ctl");
        run("reloading the configuration of " + cfg.dataDir() + " for its renewed certificate",
                List.of(pgCtl.toString(), "reload", "-D", cfg.dataDir().toString()), CTL_TIMEOUT,
                "read the server log " + cfg.logFile());
        log.info("PostgreSQL re-read its TLS certificate: {}", cfg.dataDir());
        return true;
    }

    /** True when a postmaster runs on this data directory (pg_ctl status). */
    public boolean isRunning() {
        Path pgCtl = PgCommand.tool(cfg, "pg_ctl");
        if (!Files.isDirectory(cfg.dataDir())) {
            return false;
        }
        PgCommand.Result r = PgCommand.run(cfg, List.of(pgCtl.toString(), "status", "-D", cfg.dataDir().toString()),
                Duration.ofSeconds(30), Map.of(), line -> { });
        // pg_ctl counts a killed postmaster that nobody reaped (a zombie) as running: it is not.
        return r.exitCode() == 0 && !DeadPostmaster.clearIfDead(cfg, DeadPostmaster.statusPid(r.tail()));
    }

    public boolean isInRecovery() {
        return queryBoolean("SELECT pg_is_in_recovery()");
    }

    /**
     * Promotes a standby and waits until it accepts writes. A checkpoint follows: pg_rewind
     * reads the source's timeline from its control file, which only a checkpoint updates, so
     * without it a failback right after a failover would wrongly find "no divergence".
     */
    public void promote() {
        promote(null);
    }

    /**
     * Promotes, then (before the checkpoint) gives the peer a fresh replication slot: the new
     * primary keeps every WAL segment the old one needs to rewind and stream back, however
     * small wal_keep_size is. Its restart point is the last restartpoint of the standby era,
     * before the divergence.
     *
     * @param keepWalFor the peer's application name, or null for no slot
     */
    public void promote(String keepWalFor) {
        Path pgCtl = PgCommand.tool(cfg, "pg_ctl");
        run("promoting the standby in " + cfg.dataDir(), List.of(pgCtl.toString(), "promote", "-w",
                "-t", String.valueOf(CTL_TIMEOUT.toSeconds()), "-D", cfg.dataDir().toString()),
                CTL_TIMEOUT.plusSeconds(10), "read the server log " + cfg.logFile());
        if (keepWalFor != null) {
            keepWalFor(keepWalFor, true);
        }
        // A primary keeps its own WAL for a rewind: drop the standby's WAL settings (PgFiles).
        PgFiles.RESET_STANDBY_ONLY.forEach(this::execute);
        execute("SELECT pg_reload_conf()");
        execute("CHECKPOINT");
        log.info("PostgreSQL promoted: {}", cfg.dataDir());
    }

    /**
     * Makes sure this primary holds a physical replication slot named after the peer's
     * standby, so WAL it has not received is kept (bounded by max_slot_wal_keep_size).
     *
     * @param fresh drop an inactive slot first: one left from an earlier era points at WAL of
     *              another timeline and would only hold segments back
     */
    public void keepWalFor(String standbyApplicationName, boolean fresh) {
        String name = requireName(standbyApplicationName);
        String sql = (fresh ? "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = " + PgSql.literal(name) + " AND NOT active; " : "")
                + "SELECT pg_create_physical_replication_slot(" + PgSql.literal(name) + ", true)"
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = " + PgSql.literal(name) + ")";
        execute(sql);
    }

    /**
     * Makes commits wait for {@code standbyApplicationName} (synchronous) or for nobody.
     * Switching off releases commits already waiting, which is how PRIM/ALONE stops waiting
     * for a lost SECOND (SPEC §3).
     *
     * @return the WAL position after the change took effect: a standby that has flushed up to
     *         here holds every commit acknowledged before the switch (see {@link SyncReporter})
     */
    public Lsn configureAsPrimary(boolean synchronous, String standbyApplicationName) {
        String names = synchronous ? "\"" + requireName(standbyApplicationName) + "\"" : "";
        try (Connection c = PgSql.admin(cfg); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET synchronous_standby_names = " + PgSql.literal(names));
            st.execute("ALTER SYSTEM SET synchronous_commit = 'on'");
            for (String reset : PgFiles.RESET_STANDBY_ONLY) { // a former standby's WAL settings
                st.execute(reset);
            }
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw PgSql.failure("setting synchronous_standby_names to '" + names + "' on port " + cfg.port(), e,
                    "check the server log " + cfg.logFile());
        }
        log.info("replication on port {} is now {}", cfg.port(),
                synchronous ? "synchronous to " + standbyApplicationName : "asynchronous");
        return currentWalLsn();
    }

    /**
     * Makes this instance a standby streaming from {@code primary} under this node's
     * application name (restarting it if it runs: standby.signal is read only at start).
     */
    public void configureAsStandby(PgConfig primary) {
        boolean wasRunning = isRunning();
        if (wasRunning) {
            stop(StopMode.FAST);
        }
        PgFiles.writeLocalSettings(cfg);
        PgFiles.writeStandbySettings(cfg, primary);
        if (wasRunning) {
            start();
        }
        log.info("PostgreSQL {} is configured as standby of {}:{}", cfg.dataDir(), primary.connectHost(), primary.port());
    }

    /** Full resync: see {@link PgResync#basebackup}. Leaves the instance stopped, configured as standby. */
    public BasebackupResult basebackupFrom(PgConfig primary, ProgressListener progress) {
        return new PgResync(this).basebackup(primary, progress);
    }

    /** Full resync keeping the old data as {@code <dataDir>.<label>-<time>}: see {@link PgResync#basebackup}. */
    BasebackupResult basebackupFrom(PgConfig primary, ProgressListener progress, String label) {
        return new PgResync(this).basebackup(primary, progress, label);
    }

    /** What this stopped instance holds that {@code primary} lacks: see {@link PgResync#divergence}. */
    Divergence divergenceFrom(PgConfig primary) {
        return new PgResync(this).divergence(primary);
    }

    /** Copies pg_wal aside before a rewind: see {@link PgResync#keepWal}. */
    Path keepWal() {
        return new PgResync(this).keepWal();
    }

    /** Incremental resync: see {@link PgResync#rewind}. Leaves the instance stopped. */
    public RewindResult rewindFrom(PgConfig primary, ProgressListener progress) {
        return new PgResync(this).rewind(primary, progress);
    }

    /** What a resync from {@code primary} would move: see {@link PgResync#estimate}. */
    public ResyncEstimate estimateResync(PgConfig primary) {
        return new PgResync(this).estimate(primary);
    }

    public ReplicationStatus replicationStatus() {
        return PgStatus.read(cfg);
    }

    /** On a primary, the current write position; on a standby, the last replayed one. */
    public Lsn currentWalLsn() {
        String sql = "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
                + "ELSE pg_current_wal_lsn() END::text";
        try (Connection c = PgSql.admin(cfg); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        } catch (SQLException e) {
            throw PgSql.failure("reading the WAL position on port " + cfg.port(), e, "check the server log " + cfg.logFile());
        }
    }

    void execute(String sql) {
        try (Connection c = PgSql.admin(cfg); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw PgSql.failure("running '" + sql + "' on port " + cfg.port(), e, "check the server log " + cfg.logFile());
        }
    }

    /** Runs a tool; a non-zero exit becomes a PgException with its output and {@code fix}. */
    PgCommand.Result run(String what, List<String> args, Duration timeout, String fix) {
        PgCommand.Result r = PgCommand.run(cfg, args, timeout, Map.of(), line -> log.debug("{}: {}", what, line));
        if (!r.ok()) {
            PgException e = PgException.of(what + " failed (exit " + r.exitCode() + ")", r.commandLine(), r.tail(), fix);
            // The tool's output went to DEBUG line by line; its failure is for every reader.
            log.error("{}", e.getMessage());
            throw e;
        }
        return r;
    }

    private boolean queryBoolean(String sql) {
        try (Connection c = PgSql.admin(cfg); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw PgSql.failure("running '" + sql + "' on port " + cfg.port(), e, "check the server log " + cfg.logFile());
        }
    }

    /**
     * The role standbys stream with and pg_rewind reads its source with: replication, plus only
     * the file functions pg_rewind needs, CHECKPOINT (PostgreSQL documents this minimal set) and
     * reading statistics,
     * so the peer never holds a superuser password. The password is hashed client-side, so it
     * never appears in SQL text the server might log.
     */
    /**
     * Creates or updates the services' account (see {@link AppAccount}) on this running primary:
     * idempotent, so it runs at every promotion and also upgrades a database made before it existed.
     */
    public void ensureApplicationAccount(AppAccount app) {
        try (Connection c = PgSql.admin(cfg); Statement st = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = '" + app.user() + "'")) {
                rs.next();
                exists = rs.getInt(1) > 0;
            }
            if (!exists) {
                st.execute("CREATE ROLE " + app.user());
            }
            st.execute("ALTER ROLE " + app.user() + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                    + " NOBYPASSRLS");
            c.unwrap(PGConnection.class).alterUserPassword(app.user(), app.password().toCharArray(), "scram-sha-256");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + app.database() + "'")) {
                rs.next();
                exists = rs.getInt(1) > 0;
            }
            if (!exists) {
                st.execute("CREATE DATABASE " + app.database() + " OWNER " + app.user());
            }
            // Nobody else may connect to it; the account may connect nowhere else (PUBLIC's default).
            st.execute("REVOKE ALL ON DATABASE " + app.database() + " FROM PUBLIC");
            st.execute("GRANT CONNECT ON DATABASE postgres TO " + cfg.replicationUser()); // pg_rewind, sync status
            st.execute("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
            st.execute("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC");
        } catch (SQLException e) {
            throw PgSql.failure("preparing the services' database account " + app.user(), e,
                    "check the server log " + cfg.logFile());
        }
    }

    private void createReplicationRole() {
        String user = cfg.replicationUser();
        try (Connection c = PgSql.admin(cfg); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + user + " WITH REPLICATION LOGIN");
            c.unwrap(PGConnection.class).alterUserPassword(user, cfg.replicationPassword().toCharArray(), "scram-sha-256");
            st.execute("GRANT pg_checkpoint TO " + user);
            // The standby's node reads its own sync_state in the primary's pg_stat_replication,
            // which PostgreSQL shows only to members of pg_read_all_stats.
            st.execute("GRANT pg_read_all_stats TO " + user);
            for (String fn : List.of("pg_ls_dir(text, boolean, boolean)", "pg_stat_file(text, boolean)",
                    "pg_read_binary_file(text)", "pg_read_binary_file(text, bigint, bigint, boolean)")) {
                st.execute("GRANT EXECUTE ON FUNCTION pg_catalog." + fn + " TO " + user);
            }
        } catch (SQLException e) {
            throw PgSql.failure("creating the replication role " + user, e, "check the server log " + cfg.logFile());
        }
    }

    private void prepareDataDir() {
        Path dir = cfg.dataDir();
        try {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw PgException.of("refusing to initialize " + dir + ": it is not empty", "", List.of(),
                                "move the old data away or pick an empty data directory");
                    }
                }
            } else {
                PgCommand.mkdirOwned(cfg, dir); // inside the user's own directory: made by the user
            }
        } catch (IOException e) {
            throw PgException.of("could not create the data directory " + dir + ": " + e.getMessage(), "", List.of(),
                    "check that its parent exists and is writable");
        }
    }

    private void prepareLogAndSocket() {
        try {
            if (!Files.isDirectory(cfg.socketDir())) {
                Files.createDirectories(cfg.socketDir());
                PgCommand.own(cfg, cfg.socketDir());
            }
            if (!Files.exists(cfg.logFile())) {
                Files.createDirectories(cfg.logFile().toAbsolutePath().getParent());
                PgCommand.writeOwned(cfg, cfg.logFile(), "", "rw-------");
            }
        } catch (IOException e) {
            throw PgException.of("could not prepare " + cfg.socketDir() + " and " + cfg.logFile() + ": " + e.getMessage(),
                    "", List.of(), "check that the directories are writable");
        }
    }

    /** A clearer message than the server log's when the port is taken by another program. */
    private void requirePortFree() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as PostgreSQL binds: a TIME-WAIT connection does not make the port busy
            s.bind(new InetSocketAddress(InetAddress.getByName(cfg.connectHost()), cfg.port()));
        } catch (IOException e) {
            throw PgException.of("cannot start PostgreSQL: port " + cfg.port() + " on " + cfg.connectHost()
                    + " is already in use (" + e.getMessage() + ")", "", List.of(),
                    "stop the program using it (ss -ltnp 'sport = :" + cfg.port() + "') or choose another database port");
        }
    }

    private static String requireName(String name) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("standby application name '" + name + "' must be like vigil_node2");
        }
        return name;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("could not delete {}: {}", p, e.toString());
            }
        }
    }
}
