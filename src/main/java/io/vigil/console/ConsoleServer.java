package io.vigil.console;

import io.vigil.security.PasswordHash;

import io.vigil.admin.AdminClient;
import io.vigil.config.ConfigException;
import io.vigil.config.ConsoleSection;
import io.vigil.config.VigilConfig;
import io.vigil.api.NodeControl;
import io.vigil.log.ModuleLog;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;


import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The node's web console and REST API (SPEC §5, §11: HTTP 9010). Serves the static console from
 * the jar, the API under {@code /api}, and nothing else. Started by the daemon next to the admin
 * channel when the configuration has a {@code console:} section. It runs inside the daemon's JVM,
 * so everything an outsider can make it spend is bounded ({@link ConsoleHttp}: threads,
 * connections, header and body sizes, time to send a request; {@link PasswordCheck}: hashing).
 */
public final class ConsoleServer implements AutoCloseable {

    /** Commands may take a while inside the node (swap stops and starts services). */
    static final long COMMAND_TIMEOUT_MS = 20_000;
    private static final int PEER_POLL_TIMEOUT_MS = 1000;
    /** How often the certificate files are looked at for a renewal: a stat of three files. */
    static final long CERTIFICATE_CHECK_MS = 2000;
    /** Failed logins and wrong tokens written one by one: 20 per minute at most (issue 10 item 10). */
    private static final int SECURITY_LINES_PER_WINDOW = 20;
    private static final long SECURITY_LOG_WINDOW_MS = 60_000;
    private static final Pattern STATIC = Pattern.compile("/static/((?:i18n/)?[a-z0-9-]+\\.(?:css|js|json|svg))");
    private static final Map<String, String> TYPES = Map.of("css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "json", "application/json; charset=utf-8",
            "svg", "image/svg+xml", "html", "text/html; charset=utf-8");

    private final ClusterView cluster;
    private final EventStream events;
    private final ConnectionGuard connections;
    private final Api api;
    private Server http;
    private java.util.concurrent.ScheduledExecutorService certificateWatch;

    private ConsoleServer(ClusterView cluster, EventStream events, ConnectionGuard connections, Api api) {
        this.cluster = cluster;
        this.events = events;
        this.connections = connections;
        this.api = api;
    }

    /**
     * Starts the console of a running node.
     *
     * @throws ConfigException when the password cannot be read or its hash is malformed
     * @throws IOException     when the port cannot be bound
     */
    public static ConsoleServer start(NodeControl control, VigilConfig config, ModuleLog log)
            throws IOException, ConfigException {
        ConsoleSection c = config.console();
        java.util.function.LongSupplier clock = () -> System.nanoTime() / 1_000_000;
        PasswordCheck check = new PasswordCheck(passwordHash(config, log), new LoginGuard(clock), log::info);
        String metricsToken = c.metricsTokenFile() == null ? null : MetricsToken.read(config);
        // Under HTTPS the session cookie is marked Secure, so a browser never sends it over plain HTTP.
        ConsoleTls tls = ConsoleTls.open(config, log);
        Auth auth = new Auth(check, new Sessions(clock), metricsToken, c.https(), log::info,
                new ThrottledLog(log::error, SECURITY_LINES_PER_WINDOW, SECURITY_LOG_WINDOW_MS, clock),
                tls == null ? () -> null : tls::clientCa, Clock.systemUTC());
        ClusterView cluster = clusterView(control, config);
        EventStream events = new EventStream(cluster::snapshot);
        ConnectionGuard connections = new ConnectionGuard(ConsoleHttp.CLIENT_DEADLINE_MS,
                ConsoleHttp.MAX_PER_ADDRESS, clock);
        Api api = new Api(auth, cluster, events, connections, config.toYaml(),
                io.vigil.support.Dumps.dir(config.node().dataDir()), Clock.systemDefaultZone());
        ConsoleServer server = new ConsoleServer(cluster, events, connections, api);
        server.http = ConsoleHttp.create(c, tls == null ? null : tls.factory(), connections, server.new Dispatch());
        ConsoleHttp.start(server.http, c);
        server.watchCertificates(tls);
        cluster.start();
        events.start();
        connections.start();
        log.info("console: web console and REST API on " + (c.https() ? "https" : "http") + "://" + c.bindAddress()
                + ":" + server.port() + "/");
        return server;
    }

    /** Both nodes' host names: the console certificate is the same kind on either node (SPEC §7). */
    public static List<String> consoleHosts(VigilConfig config) {
        return java.util.stream.Stream.of(config.node().hostName(), config.peer().hostName())
                .filter(h -> h != null && !h.isBlank()).distinct().toList();
    }

    /** The addresses a browser may use: the VIP, both nodes' addresses, the console's own bind address. */
    public static List<String> consoleIps(VigilConfig config) {
        List<String> ips = new java.util.ArrayList<>();
        if (config.vip() != null) {
            ips.add(config.vip().address().replaceFirst("/.*$", ""));
        }
        config.heartbeat().networks().forEach(n -> {
            ips.add(n.local());
            ips.add(n.peer());
        });
        String bind = config.console().bindAddress();
        if (!"0.0.0.0".equals(bind)) {
            ips.add(bind);
        }
        return ips.stream().distinct().toList();
    }

    /** Renewed or replaced certificates are picked up by the running console (issue 12: no downtime). */
    private void watchCertificates(ConsoleTls tls) {
        if (tls == null) {
            return;
        }
        certificateWatch = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-console-certificates");
            t.setDaemon(true);
            return t;
        });
        certificateWatch.scheduleWithFixedDelay(tls::reloadIfChanged, CERTIFICATE_CHECK_MS, CERTIFICATE_CHECK_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static PasswordHash passwordHash(VigilConfig config, ModuleLog log) throws ConfigException {
        String secret = password(config);
        if (!secret.startsWith(PasswordHash.PREFIX)) {
            log.addSecret(secret);
        }
        try {
            return PasswordHash.of(secret);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.sourceFile(), "console.passwordFile", e.getMessage(),
                    "Write the password itself in the file");
        }
    }

    private static ClusterView clusterView(NodeControl control, VigilConfig config) throws ConfigException {
        int me = config.node().id();
        String peerHost = config.peer().adminAddress();
        int peerPort = config.peer().adminPort();
        // Issue 12: the peer over the TLS admin channel, with this node's cluster certificate.
        java.nio.file.Path data = config.node().dataDir();
        return new ClusterView(new NodeAccess.Local(control, me, COMMAND_TIMEOUT_MS),
                new NodeAccess.Peer(AdminClient.toPeerOf(data, peerHost, peerPort, (int) COMMAND_TIMEOUT_MS), 3 - me),
                new NodeAccess.Peer(AdminClient.toPeerOf(data, peerHost, peerPort, PEER_POLL_TIMEOUT_MS), 3 - me),
                config.cluster().name(), config.vip() == null ? null : config.vip().address());
    }

    /** The stored form ({@code pbkdf2$...}) of a console password, for {@code vigil config hash-password}. */
    public static String hashPassword(String password) {
        return PasswordHash.of(password).encoded();
    }

    /** The bound port (useful when configured as 0 in tests). */
    public int port() {
        return ConsoleHttp.port(http);
    }

    private static String password(VigilConfig config) throws ConfigException {
        ConsoleSection c = config.console();
        if (c.password() != null) {
            return c.password();
        }
        String text;
        try {
            text = Files.readString(c.passwordFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(config.sourceFile(), "console.passwordFile", "cannot read the password file "
                    + c.passwordFile() + " (" + e.getClass().getSimpleName() + ")",
                    "Check that it exists and that only the vigil user can read it");
        }
        if (text.isEmpty()) {
            throw new ConfigException(config.sourceFile(), "console.passwordFile", "the password file "
                    + c.passwordFile() + " is empty (there is no default password)", "Write the admin password in it");
        }
        return text;
    }

    /**
     * Every request, on a console pool thread (blocking style: Jetty's default for a handler). The
     * connection is marked working, so {@link ConnectionGuard} leaves it alone while it is answered.
     */
    private final class Dispatch extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            ConnectionGuard.Watch watch = connections.begin(request.getConnectionMetaData().getConnection());
            Exchange ex = new Exchange(request, response, watch);
            try {
                ConsoleServer.this.handle(ex);
                ex.close();
                callback.succeeded();
            } catch (IOException | RuntimeException e) {
                callback.failed(e); // the client went away mid-answer, or the answer failed: Jetty closes it
            } finally {
                watch.waitingOnClient(); // for the next request on this connection, if kept alive
            }
            return true;
        }
    }

    private void handle(Exchange ex) throws IOException {
        try {
            String path = ex.path();
            if (path.startsWith("/api/")) {
                api.handle(ex);
            } else {
                staticFile(ex, path);
            }
        } catch (RuntimeException e) {
            // A bug must not leave the browser hanging: answer, and keep serving.
            Http.error(ex, 500, "internal", "the console failed: " + e.getClass().getSimpleName());
        }
    }

    private void staticFile(Exchange ex, String path) throws IOException {
        if (!"GET".equals(ex.method()) && !"HEAD".equals(ex.method())) {
            Http.error(ex, 405, "method", "the console's pages are read with GET");
            return;
        }
        String name;
        if (path.equals("/") || path.equals("/index.html")) {
            name = "index.html";
        } else {
            var m = STATIC.matcher(path);
            if (!m.matches()) {
                Http.error(ex, 404, "not-found", "no such page; the console is at /");
                return;
            }
            name = m.group(1);
        }
        try (InputStream in = ConsoleServer.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                Http.error(ex, 404, "not-found", "no such file; the console is at /");
                return;
            }
            ex.setHeader("Cache-Control", "no-cache");
            Http.send(ex, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), in.readAllBytes());
        }
    }

    @Override
    public void close() {
        if (certificateWatch != null) {
            certificateWatch.shutdownNow();
        }
        events.close();
        cluster.close();
        connections.close();
        ConsoleHttp.stop(http);
    }
}
