package io.vigil.daemon;

import io.vigil.witness.PingWitnessClient;
import io.vigil.witness.WitnessClient;
import io.vigil.witness.LeaseSource;
import io.vigil.admin.AdminServer;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;
import io.vigil.api.LogPage;
import io.vigil.api.NodeControl;
import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;
import io.vigil.core.Command;
import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.Node;
import io.vigil.core.PersistedState;
import io.vigil.heartbeat.HeartbeatCodec;
import io.vigil.heartbeat.HeartbeatNetworks;
import io.vigil.heartbeat.UdpHeartbeatTransport;
import io.vigil.log.ApplicationLog;
import io.vigil.log.CommandsLog;
import io.vigil.log.ModuleLog;
import io.vigil.log.Redactor;
import io.vigil.core.SyncStatus;
import io.vigil.replication.DatabaseNode;
import io.vigil.replication.PgInstance;
import io.vigil.resource.Phase;
import io.vigil.resource.ResourceManager;
import io.vigil.resource.ResourceStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One running node: the single-threaded event loop around the pure {@link Node}. Heartbeats,
 * ticks, resource results and operator commands are all queued here and fed to the state
 * machine one at a time; the effects it returns are carried out by {@link EffectRunner}.
 * Everything else (admin channel, console) only submits commands or reads {@link #status()}.
 */
public final class NodeDaemon implements NodeControl, AutoCloseable {
    static final long TICK_MS = 50;
    /** At most one summary line of rejected datagrams per this many ms (issue 10, item 10). */
    static final long REJECTION_SUMMARY_MS = 10_000;

    private final VigilConfig config;
    private final ModuleLog moduleLog;
    private final ApplicationLog appLog;
    private final CommandsLog commandsLog;
    private final StateStore store;
    private final long incarnation;
    private final Node node;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong commandIds = new AtomicLong();
    private final ScheduledExecutorService ticker;
    private final long startedNanos = System.nanoTime();
    private final StatusBuilder statusBuilder;
    private final io.vigil.log.RejectionSummary rejections =
            new io.vigil.log.RejectionSummary("datagrams", REJECTION_SUMMARY_MS);
    private ResourceManager resources;
    private volatile UdpHeartbeatTransport transport;
    /** How long status shows that the peer's heartbeats were refused for their protocol version. */
    private static final long VERSION_REFUSAL_SHOWN_MS = 10_000;
    private final EventLoop events;
    private EffectRunner effects;
    /** Reports state changes, failovers and alarms to the VMS event server; null when none is configured. */
    private volatile io.vigil.notify.Notifier notifier;
    /** The optional SNMP agent on UDP 3600 (notifications.snmpAgent); null when off. */
    private volatile io.vigil.notify.SnmpAgent snmpAgent;
    /** The certificates' end, watched (issue 12); null when the node has none. */
    private volatile CertificateWatch certificates;
    static final long CERTIFICATE_CHECK_MINUTES = 10;
    private AdminServer admin;
    private io.vigil.admin.LocalAdminServer localAdmin;
    private io.vigil.console.ConsoleServer console;
    private Watchdog watchdog;
    /** The cluster address, when configured: removed at shutdown once the services are stopped. */
    private io.vigil.vip.VirtualIp vip;
    private LeaseSource witness;
    private DatabaseNode database;
    private io.vigil.dirsync.DirectoryReplication directories;
    private Thread loop;
    private volatile boolean running = true;
    private volatile DaemonStatus status;
    private volatile SyncStatus databaseSync = SyncStatus.NOT_CONFIGURED;
    /** SPEC §2 "Support": dumps on demand, and by themselves at a failover or a fatal error. */
    private final io.vigil.support.Dumps dumps;
    private final io.vigil.support.AutoDump autoDump;

    private record Pending(Command command, String who, CompletableFuture<CommandResult> future) { }

    private NodeDaemon(VigilConfig config) throws IOException, ConfigException {
        this.config = config;
        // 0711, not 0700: the internal PostgreSQL runs as its own user under <dataDir>/pg.
        io.vigil.security.PrivateFiles.createTraversableDirectories(config.node().dataDir());
        io.vigil.security.PrivateFiles.createDirectories(config.node().logDir());
        Redactor redactor = new Redactor();
        redactor.addSecret(HexFormat.of().formatHex(config.clusterKey()));
        if (config.cluster().key() != null) {
            redactor.addSecret(config.cluster().key());
        }
        Databases.serviceEnvironment(config).forEach((k, v) -> {
            if (k.endsWith("PASSWORD")) {
                redactor.addSecret(v);
            }
        });
        if (config.database() != null && config.database().internal()) {
            redactor.addSecret(Databases.local(config).replicationPassword());
            redactor.addSecret(Databases.local(config).adminPassword());
            redactor.addSecret(Databases.previousAdminPassword(config));
        }
        long max = config.logs().maxFileBytes();
        int keep = config.logs().keepFiles();
        Clock wall = Clock.systemDefaultZone();
        this.moduleLog = new ModuleLog(config.node().logDir().resolve("module.log"), max, keep, wall, redactor);
        this.appLog = new ApplicationLog(config.node().logDir().resolve("application.log"), max, keep, wall, redactor);
        this.commandsLog = new CommandsLog(config.node().logDir().resolve("commands.log"), max, keep, wall, redactor);
        this.store = new StateStore(config.node().dataDir());
        FileSecrets.addTo(redactor, config);
        this.dumps = new io.vigil.support.Dumps(io.vigil.support.Dumps.dir(config.node().dataDir()), this,
                config.toYaml(), store.file(), redactor::apply, wall);
        this.autoDump = new io.vigil.support.AutoDump(dumps, moduleLog::info, moduleLog::error,
                NodeDaemon::monotonicMs);
        // Saved before the transport opens, so no datagram of this start can carry a reused number.
        this.incarnation = IncarnationStore.next(config.node().dataDir(), System.currentTimeMillis());
        this.node = new Node(config.toCoreConfig(), NodeDaemon::monotonicMs, incarnation);
        // Events queue from the start; the loop thread, started once everything is open, runs them.
        this.events = new EventLoop(node, this::runEffect, this::publishStatus,
                // A broken invariant in the core: log loudly, keep the node's other duties alive.
                (e, ex) -> {
                    moduleLog.error("internal error handling " + e.getClass().getSimpleName() + ": " + ex);
                    autoDump.fatal("internal error handling " + e.getClass().getSimpleName() + ": " + ex);
                });
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "vigil-tick"));
        this.statusBuilder = new StatusBuilder(config, startedNanos);
        statusBuilder.warningsFrom(this::daemonWarnings);
    }

    /** Issue 12: plain HTTP on the console and certificates near their end show in `vigil status` too. */
    private List<String> daemonWarnings() {
        List<String> w = new java.util.ArrayList<>();
        String http = config.console() == null ? null : config.console().plainHttpWarning();
        if (http != null) {
            w.add(http);
        }
        CertificateWatch certs = certificates;
        if (certs != null) {
            w.addAll(certs.warnings());
        }
        UdpHeartbeatTransport heartbeats = transport;
        if (heartbeats != null) {
            heartbeats.versionRefusal(VERSION_REFUSAL_SHOWN_MS).ifPresent(w::add);
        }
        return w;
    }

    /**
     * Issue 12: the TCP channel, for the peer only, runs over TLS with the cluster certificates;
     * the local CLI uses the Unix socket, relayed to the peer by this node. A node not paired yet
     * has no certificates: it runs without the TCP channel and says so, rather than not at all.
     */
    private void openAdminChannels() throws IOException {
        java.nio.file.Path data = config.node().dataDir();
        if (io.vigil.pki.ClusterTls.present(data)) {
            try {
                admin = AdminServer.start(this, io.vigil.pki.ClusterTls.load(data), config.admin().bindAddress(),
                        config.admin().port(), config.peer().adminAddress(),
                        moduleLog::error); // its lines name the admin channel already
            } catch (io.vigil.pki.PkiException e) {
                throw new IOException("admin channel: " + e.getMessage(), e);
            }
        } else {
            moduleLog.error("admin channel: this node has no cluster certificates in "
                    + io.vigil.pki.ClusterTls.dir(data) + ", so the peer cannot reach it (console view, --cluster);"
                    + " pair the nodes (vigil setup secondary on node 2, then vigil setup primary on node 1)");
        }
        io.vigil.admin.AdminClient peer = io.vigil.admin.AdminClient.toPeerOf(data, config.peer().adminAddress(),
                config.peer().adminPort(), RELAY_TIMEOUT_MS);
        localAdmin = io.vigil.admin.LocalAdminServer.start(this, peer, config.admin().socketPath(data),
                moduleLog::error);
    }

    /** The local node's wait for its peer when relaying: commands take up to 15 s inside the peer. */
    private static final int RELAY_TIMEOUT_MS = 20_000;

    /** Starts a node from its configuration; the caller owns the returned daemon. */
    public static NodeDaemon start(VigilConfig config) throws IOException, ConfigException {
        // Refuse now, not at the first failover: a node that cannot take the VIP is no standby.
        java.util.List<String> missing = Privileges.problems(config);
        if (!missing.isEmpty()) {
            throw new IOException(String.join("; and ", missing));
        }
        NodeDaemon d = new NodeDaemon(config);
        try {
            d.open();
        } catch (IOException | ConfigException | RuntimeException e) {
            d.autoDump.fatal("the node could not start: " + e.getMessage());
            d.close();
            throw e;
        }
        return d;
    }

    static long monotonicMs() {
        return System.nanoTime() / 1_000_000L;
    }

    private void open() throws IOException, ConfigException {
        Optional<PersistedState> saved = store.load();
        try {
            dumps.keepConfiguration();
        } catch (IOException e) {
            moduleLog.error("could not keep a copy of the configuration in " + dumps.dir() + ": " + e.getMessage());
        }
        moduleLog.info("vigil node " + config.node().id() + " of cluster " + config.cluster().name() + " starting"
                + " (version " + Version.get() + ", protocol " + io.vigil.protocol.ProtocolVersion.current() + ", host " + config.node().hostName() + ")");
        database = openDatabase();
        resources = new ResourceManager(Resources.fromConfig(config.resources(), Databases.serviceEnvironment(config)),
                appLog::line,
                new ResourceManager.Listener() {
                    @Override
                    public void resourceFailed(String name, String detail) {
                        enqueue(new Event.ResourceFailed(name, detail));
                    }

                    @Override
                    public void resourceRecovered(String name) {
                        enqueue(new Event.ResourceRecovered(name));
                    }
                });
        HeartbeatNetworks nets = new HeartbeatNetworks(config.node().id(), config.heartbeat().basePort(),
                config.heartbeat().networks().stream()
                        .map(n -> new HeartbeatNetworks.Network(n.local(), n.peer())).toList());
        transport = UdpHeartbeatTransport.open(nets,
                new HeartbeatCodec(config.cluster().name(), config.keys().heartbeat()),
                events::enqueue,
                (reason, source, detail) -> rejections.record("heartbeat " + reason, source.getHostAddress(), detail));
        watchdog = Watchdog.start(this::enqueue, moduleLog::info);
        if (config.vip() != null) {
            vip = io.vigil.vip.VirtualIp.of(config.vip().address(), config.vip().iface(), moduleLog::info);
            // A node that starts does not run the services, so it must not hold the cluster address
            // (e.g. left over from a crash); and a fenced node must lose it with its services.
            vip.down();
            watchdog.fenceCommand(vip.removeCommand());
        }
        if (config.witness() != null && config.witness().isPing()) {
            witness = PingWitnessClient.start(config.node().id(), config.witness().ping(),
                    config.heartbeat().intervalMs(), config.toCoreConfig().leaseMs(), this::enqueue, moduleLog::info);
        } else if (config.witness() != null) {
            witness = new WitnessClient(config.cluster().name(), config.node().id(), incarnation,
                    config.keys().witness(config.cluster().name()),
                    new java.net.InetSocketAddress(config.witness().address(), config.witness().port()),
                    config.heartbeat().intervalMs(), config.toCoreConfig().leaseMs(), this::enqueue, moduleLog::info,
                    rejections);
        }
        if (config.replication() != null) {
            directories = io.vigil.dirsync.DirectoryReplication.start(config.replication(), replicationTls(),
                    moduleLog::info, moduleLog::error);
            directories.onCaughtUp(this::reportSync);
        }
        startLicenseGuard();
        notifier = io.vigil.notify.Notifier.start(config.events(), config.notifications(), "node" + config.node().id(),
                config.node().hostName(), config.node().dataDir().resolve("notify"), java.time.Clock.systemUTC(),
                moduleLog::info);
        if (config.notifications().agent() != null) {
            snmpAgent = io.vigil.notify.SnmpAgent.start(config.notifications().agent(), this::status,
                    java.time.Clock.systemUTC(), moduleLog::info);
        }
        effects = new EffectRunner(new EffectWorld(loopSide(), transport,
                EffectWorld.Services.of(resources), store, EffectWorld.Log.of(moduleLog, appLog), watchdog::arm,
                witness, vip == null ? null : EffectWorld.Vip.of(vip),
                database == null ? null : EffectWorld.Database.of(database), NodeDaemon::monotonicMs));
        openAdminChannels();
        if (config.console() != null) {
            console = io.vigil.console.ConsoleServer.start(this, config, moduleLog);
        }
        loop = new Thread(() -> events.runBlocking(() -> running), "vigil-node-" + config.node().id());
        loop.start();
        enqueue(new Event.Boot(saved.orElse(null)));
        ticker.scheduleWithFixedDelay(() -> enqueue(new Event.Tick()), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(() -> rejections.drainIfDue().ifPresent(moduleLog::info), 1, 1, TimeUnit.SECONDS);
    }

    /** SPEC §8: the license state in the status, and the management service (the first resource) stopped daily without one. */
    /** Every effect of the core: carried out, and offered to the event server's notifier (which never blocks). */
    private void runEffect(io.vigil.core.Effect effect) {
        io.vigil.notify.Notifier n = notifier;
        if (n != null) {
            n.offer(effect);
        }
        autoDump.onEffect(effect);
        io.vigil.notify.SnmpAgent agent = snmpAgent;
        if (agent != null) {
            agent.onEffect(effect);
        }
        effects.run(effect);
    }

    private void startLicenseGuard() {
        java.time.Clock utc = java.time.Clock.systemUTC();
        LicenseGuard guard = new LicenseGuard(new io.vigil.license.Licensing(config.node().dataDir(),
                io.vigil.license.VendorKey.get(), utc, config.node().hostName(), config.peer().hostName()),
                config.resources().isEmpty() ? null : config.resources().get(0).name(),
                () -> status != null && status.node().state().runsServices(), resources::stopWithDependents,
                moduleLog::info, moduleLog::error, config.node().dataDir(), utc);
        statusBuilder.licenseFrom(guard::last);
        ticker.scheduleWithFixedDelay(guard::check, 0, 10, TimeUnit.MINUTES);
        startCertificateWatch(utc);
        startDatabaseCertificateWatch();
    }

    /** Issue 12: the console's and this node's cluster certificate, checked every 10 minutes for their end. */
    private void startCertificateWatch(java.time.Clock utc) {
        List<CertificateWatch.Watched> watched = new java.util.ArrayList<>();
        io.vigil.config.ConsoleSection c = config.console();
        if (c != null && c.mode() == io.vigil.config.ConsoleSection.Mode.HTTPS_CONFIGURED) {
            watched.add(CertificateWatch.console(c.certificate(), "your CA: replace the file and its key; the console"
                    + " reloads them"));
        } else if (c != null && c.mode() == io.vigil.config.ConsoleSection.Mode.HTTPS_CLUSTER) {
            watched.add(CertificateWatch.console(io.vigil.pki.ConsoleCertificate.dir(config.node().dataDir())
                    .resolve(io.vigil.pki.CertificateSet.SERVER), "vigil cert renew on this node"));
        }
        if (io.vigil.pki.ClusterTls.present(config.node().dataDir())) {
            watched.add(new CertificateWatch.Watched("this node's cluster certificate",
                    io.vigil.pki.ClusterTls.dir(config.node().dataDir()).resolve(io.vigil.pki.ClusterTls.NODE),
                    "vigil cert renew on this node"));
        }
        if (watched.isEmpty()) {
            return;
        }
        certificates = new CertificateWatch(watched, moduleLog::error, this::raiseAlarm, utc);
        // First check once the notifier exists (it is made after this), then every 10 minutes.
        ticker.scheduleWithFixedDelay(certificates::check, 1, CERTIFICATE_CHECK_MINUTES * 60, TimeUnit.SECONDS);
    }

    /**
     * An alarm raised outside the state machine (certificates near their end, divergent database
     * data kept aside): in the decisions log as the core's alarms are, and to the event server and
     * the other notification receivers.
     */
    private void raiseAlarm(io.vigil.core.Effect.Alarm a) {
        moduleLog.decision(io.vigil.log.ModuleLog.Level.E, "ALARM " + a.code() + ": " + a.message());
        io.vigil.notify.Notifier n = notifier;
        if (n != null) {
            n.offer(a);
        }
    }

    /**
     * After {@code vigil cert renew} (another process), the running PostgreSQL must serve the new
     * node certificate too: the admin channel and replication read it at their next handshake,
     * PostgreSQL only when told. Checked every 5 s, off the ticker thread (pg_ctl is a process).
     */
    private void startDatabaseCertificateWatch() {
        if (database == null || !io.vigil.pki.ClusterTls.present(config.node().dataDir())) {
            return;
        }
        Path cert = io.vigil.pki.ClusterTls.dir(config.node().dataDir()).resolve(io.vigil.pki.ClusterTls.NODE);
        String[] seen = {readQuietly(cert)};
        ticker.scheduleWithFixedDelay(() -> {
            String now = readQuietly(cert);
            if (now != null && !now.equals(seen[0])) {
                seen[0] = now;
                java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        if (database.reloadTls()) {
                            moduleLog.info("database: re-read this node's renewed certificate (no restart)");
                        }
                    } catch (RuntimeException e) {
                        moduleLog.error("database: could not make PostgreSQL re-read the renewed certificate ("
                                + e.getMessage() + "); it takes it at its next start");
                    }
                });
            }
        }, 5, 5, TimeUnit.SECONDS);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * This node's PostgreSQL when the cluster replicates one (SPEC §3). Node 1 creates the
     * database when it has none; node 2 always receives a copy of node 1's.
     */
    /** Directory replication runs over TLS 1.3 of the cluster CA (issue 12): no certificates, no replication. */
    private io.vigil.pki.ClusterTls replicationTls() throws IOException {
        try {
            return io.vigil.pki.ClusterTls.load(config.node().dataDir());
        } catch (io.vigil.pki.PkiException e) {
            throw new IOException("directory replication (replication.directories) cannot start: " + e.getMessage(), e);
        }
    }

    private DatabaseNode openDatabase() throws ConfigException {
        if (config.database() == null || !config.database().internal()) {
            return null;
        }
        String user = System.getProperty("user.name");
        if (!"root".equals(user) && !user.equals(config.database().osUser())) {
            // Issue 15: the package runs the node as vigil, and PostgreSQL with it (no user switch).
            moduleLog.info("database: PostgreSQL runs as this node's own user " + user + " (database.osUser "
                    + config.database().osUser() + " is used only by a node started as root)");
        }
        PgInstance pg = Databases.instance(config);
        pg.prepareHome();
        long pollMs = Math.max(200, Math.min(1000, config.heartbeat().intervalMs()));
        DatabaseNode db = new DatabaseNode(pg, Databases.peer(config), config.node().id() == 1,
                Databases.appAccount(config), new DatabaseNode.Listener() {
            @Override
            public void syncStatus(SyncStatus s) {
                databaseSynced(s);
            }

            @Override
            public void failed(String detail) {
                enqueue(new Event.ResourceFailed(EffectRunner.DATABASE, detail));
            }

            @Override
            public void recovered() {
                enqueue(new Event.ResourceRecovered(EffectRunner.DATABASE));
            }

            @Override
            public void info(String line) {
                moduleLog.info(line);
            }

            @Override
            public void error(String line) {
                moduleLog.error(line);
            }

            @Override
            public void alarm(String code, String message) {
                raiseAlarm(new io.vigil.core.Effect.Alarm(code, message));
            }
        }, pollMs);
        db.upgradePasswordsFrom(Databases.previousAdminPassword(config)); // issue 10 item 5: older databases
        return db;
    }

    /** The configured resources, with the database first when Vigil runs one. */
    private List<ResourceStatus> resourceStatus() {
        List<ResourceStatus> list = resources.status();
        if (database == null) {
            return list;
        }
        DatabaseNode.Status d = database.status();
        Phase phase = d.pid() > 0 ? Phase.RUNNING : Phase.STOPPED;
        String role = d.role() == DatabaseNode.Role.NONE ? "" : " " + d.role().name().toLowerCase(java.util.Locale.ROOT);
        List<ResourceStatus> all = new java.util.ArrayList<>();
        all.add(new ResourceStatus(EffectRunner.DATABASE, "PostgreSQL" + role, phase, d.pid(), 0, d.detail()));
        all.addAll(list);
        return all;
    }

    void enqueue(Event e) {
        if (running) {
            events.enqueue(e);
        }
    }

    /** The immutable snapshot readers see, after every step of the loop. */
    private void publishStatus() {
        status = statusBuilder.build(node.status(), resourceStatus(), transport, directoryStatus(),
                database == null ? null : database.status().progress());
        watchdog.pids(status.resources().stream().filter(r -> r.pid() > 0).map(r -> r.pid()).toList());
    }

    /** What {@link EffectRunner} reports back to: this daemon's loop, replies and replication. */
    private EffectWorld.Loop loopSide() {
        return new EffectWorld.Loop() {
            @Override
            public void enqueue(Event e) {
                NodeDaemon.this.enqueue(e);
            }

            @Override
            public void replied(Effect.Reply reply) {
                NodeDaemon.this.replied(reply);
            }

            @Override
            public void followDirectories(Effect.ReplicationRole.Role role) {
                NodeDaemon.this.followDirectories(role);
            }

            @Override
            public void databaseSynced(SyncStatus s) {
                NodeDaemon.this.databaseSynced(s);
            }
        };
    }

    /** The database's sync status as a standby (or UPTODATE at once when there is no database to copy). */
    void databaseSynced(SyncStatus s) {
        databaseSync = s;
        reportSync();
    }

    /**
     * The node's sync status for the state machine: the database's, held at "not uptodate" until
     * the replicated directories have caught up once (SPEC §3: never promoted automatically
     * before its data is complete).
     */
    private void reportSync() {
        SyncStatus db = databaseSync;
        boolean directoriesBehind = directories != null && !directories.caughtUp();
        enqueue(new Event.SyncReported(db == SyncStatus.UPTODATE && directoriesBehind ? SyncStatus.NOT_UPTODATE : db));
    }

    /** Directory replication (issue 3) follows the replication role; called by {@link EffectRunner}. */
    void followDirectories(Effect.ReplicationRole.Role role) {
        if (directories != null) {
            directories.follow(role);
        }
    }

    private List<io.vigil.dirsync.DirectoryStatus> directoryStatus() {
        return directories == null ? List.of() : directories.status();
    }

    /** Called by {@link EffectRunner} for {@link Effect.Reply}. */
    void replied(Effect.Reply reply) {
        Pending p = pending.remove(reply.commandId());
        if (p == null) {
            return;
        }
        commandsLog.record(p.who(), p.command().describe(), (reply.accepted() ? "accepted: " : "refused: ") + reply.message());
        p.future().complete(new CommandResult(config.node().id(), p.command().describe(), reply.accepted(), reply.message()));
    }

    @Override
    public CompletableFuture<CommandResult> submit(Command command, String who) {
        CompletableFuture<CommandResult> f = new CompletableFuture<>();
        long id = commandIds.incrementAndGet();
        pending.put(id, new Pending(command, who, f));
        enqueue(new Event.OperatorCommand(id, command, who));
        return f;
    }

    @Override
    public DaemonStatus status() {
        DaemonStatus s = status;
        return s != null ? s : statusBuilder.build(node.status(), List.of(), transport, directoryStatus(), null);
    }

    @Override
    public LogPage logs(String log, boolean verbose, int offset, int limit) throws IOException {
        List<String> lines = switch (log) {
            case "module" -> moduleLog.read(verbose, offset, limit);
            case "application" -> appLog.read(offset, limit);
            case "commands" -> commandsLog.read(offset, limit);
            default -> throw new IllegalArgumentException("unknown log \"" + log + "\": expected one of " + LogPage.LOGS);
        };
        return new LogPage(log, verbose, lines);
    }

    @Override
    public io.vigil.replication.ResyncEstimate estimate() {
        if (database == null) {
            throw new IllegalStateException("no replicated database is configured on this node"
                    + " (database: mode internal), so there is no data to sync");
        }
        return database.estimate();
    }

    @Override
    public io.vigil.api.DumpInfo dump(String reason) {
        try {
            return dumps.create(reason);
        } catch (IOException e) {
            throw new IllegalStateException("could not write a dump into " + dumps.dir() + ": " + e.getMessage()
                    + "; check the free space and the folder's permissions", e);
        }
    }

    @Override
    public List<io.vigil.api.DumpInfo> dumps() {
        try {
            return dumps.list();
        } catch (IOException e) {
            throw new IllegalStateException("could not list the dumps in " + dumps.dir() + ": " + e.getMessage(), e);
        }
    }

    public ModuleLog moduleLog() {
        return moduleLog;
    }

    public ApplicationLog applicationLog() {
        return appLog;
    }

    public CommandsLog commandsLog() {
        return commandsLog;
    }

    public VigilConfig config() {
        return config;
    }

    /**
     * Stops the node: the services stop (so the peer can take over when it notices), then the
     * heartbeats. The persisted state is left as it was, so boot behaviour "keep" rejoins.
     */
    /** When the event loop last handled an event (System.nanoTime), for systemd's watchdog. */
    long lastProgressNanos() {
        return events.lastProgressNanos();
    }

    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        ticker.shutdownNow();
        if (console != null) {
            console.close();
        }
        if (localAdmin != null) {
            localAdmin.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (resources != null) {
            try {
                resources.stopAll("vigil node shutting down").get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                moduleLog.error("services did not stop cleanly at shutdown (" + e + "): killing them");
            }
            resources.close();
        }
        if (vip != null) {
            // After the services, before the watchdog: closing the watchdog also ends its process,
            // which can go before it runs its fence commands, and a node stopped for good (`setup
            // remove`, a service manager's stop) would keep answering at the cluster address.
            try {
                vip.down();
            } catch (IOException e) {
                moduleLog.error("could not remove the virtual IP at shutdown (" + e.getMessage() + "): remove it"
                        + " with `ip -4 addr del " + config.vip().address() + " dev " + config.vip().iface() + "`");
            }
        }
        if (database != null) {
            database.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (witness != null) {
            witness.close();
        }
        if (directories != null) {
            directories.close();
        }
        if (watchdog != null) {
            watchdog.close();
        }
        autoDump.close();
        if (snmpAgent != null) {
            snmpAgent.close();
        }
        if (notifier != null) {
            notifier.close(); // what it could not deliver stays in its outbox for the next start
        }
        moduleLog.info("vigil node " + config.node().id() + " stopped");
        closeQuietly(moduleLog);
        closeQuietly(appLog);
        closeQuietly(commandsLog);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down: nothing useful left to do with the error
        }
    }

    static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
