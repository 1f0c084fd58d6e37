package io.vigil.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vigil.admin.AdminClient;
import io.vigil.config.ConfigException;
import io.vigil.config.ConsoleSection;
import io.vigil.config.VigilConfig;
import io.vigil.daemon.NodeControl;
import io.vigil.log.ModuleLog;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The node's web console and REST API (SPEC §5, §11: HTTP 9010). Serves the static console from
 * the jar, the API under {@code /api}, and nothing else. Started by the daemon next to the admin
 * channel when the configuration has a {@code console:} section.
 */
public final class ConsoleServer implements AutoCloseable {

    /** Commands may take a while inside the node (swap stops and starts services). */
    static final long COMMAND_TIMEOUT_MS = 20_000;
    private static final int PEER_POLL_TIMEOUT_MS = 1000;
    private static final Pattern STATIC = Pattern.compile("/static/((?:i18n/)?[a-z0-9-]+\\.(?:css|js|json|svg))");
    private static final Map<String, String> TYPES = Map.of("css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "json", "application/json; charset=utf-8",
            "svg", "image/svg+xml", "html", "text/html; charset=utf-8");

    private final HttpServer http;
    private final ExecutorService executor;
    private final ClusterView cluster;
    private final EventStream events;
    private final Api api;

    private ConsoleServer(HttpServer http, ExecutorService executor, ClusterView cluster, EventStream events, Api api) {
        this.http = http;
        this.executor = executor;
        this.cluster = cluster;
        this.events = events;
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
        String secret = password(config);
        if (!secret.startsWith(PasswordHash.PREFIX)) {
            log.addSecret(secret);
        }
        PasswordHash hash;
        try {
            hash = PasswordHash.of(secret);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(config.sourceFile(), "console.passwordFile", e.getMessage(),
                    "Write the password itself in the file");
        }
        java.util.function.LongSupplier clock = () -> System.nanoTime() / 1_000_000;
        // Under HTTPS the session cookie is marked Secure, so a browser never sends it over plain HTTP.
        Auth auth = new Auth(hash, new Sessions(clock), new LoginGuard(clock), c.https(), log::info, log::error);
        byte[] key = config.clusterKey();
        int me = config.node().id();
        String peerHost = config.peer().adminAddress();
        int peerPort = config.peer().adminPort();
        ClusterView cluster = new ClusterView(new NodeAccess.Local(control, me, COMMAND_TIMEOUT_MS),
                new NodeAccess.Peer(new AdminClient(peerHost, peerPort, key, (int) COMMAND_TIMEOUT_MS), 3 - me),
                new NodeAccess.Peer(new AdminClient(peerHost, peerPort, key, PEER_POLL_TIMEOUT_MS), 3 - me),
                config.cluster().name(), config.vip() == null ? null : config.vip().address());
        EventStream events = new EventStream(cluster::snapshot);
        Api api = new Api(auth, cluster, events, config.toYaml(), Clock.systemDefaultZone());
        HttpServer http;
        try {
            http = bind(c, config);
        } catch (java.net.BindException e) {
            throw new IOException("the console cannot listen on " + c.bindAddress() + ":" + c.port() + " ("
                    + e.getMessage() + "): another program uses that port, or the address is not this machine's;"
                    + " change console.port / console.bindAddress", e);
        }
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "vigil-console-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        ConsoleServer server = new ConsoleServer(http, executor, cluster, events, api);
        http.createContext("/", server::handle);
        cluster.start();
        events.start();
        http.start();
        log.info("console: web console and REST API on " + (c.https() ? "https" : "http") + "://" + c.bindAddress()
                + ":" + server.port() + "/");
        return server;
    }

    private static HttpServer bind(ConsoleSection c, VigilConfig config) throws IOException, ConfigException {
        InetSocketAddress at = new InetSocketAddress(c.bindAddress(), c.port());
        if (!c.https()) {
            return HttpServer.create(at, 64);
        }
        HttpsServer https = HttpsServer.create(at, 64);
        https.setHttpsConfigurator(new HttpsConfigurator(Pem.context(config.sourceFile(), c.certificate(),
                c.privateKey())));
        return https;
    }

    /** The stored form ({@code pbkdf2$...}) of a console password, for {@code vigil config hash-password}. */
    public static String hashPassword(String password) {
        return PasswordHash.of(password).encoded();
    }

    /** The bound port (useful when configured as 0 in tests). */
    public int port() {
        return http.getAddress().getPort();
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

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
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

    private void staticFile(HttpExchange ex, String path) throws IOException {
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
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
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            Http.send(ex, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), in.readAllBytes());
        }
    }

    @Override
    public void close() {
        events.close();
        cluster.close();
        http.stop(0);
        executor.shutdownNow();
    }
}
