package io.vigil.console;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.api.CommandResult;
import io.vigil.api.LogPage;
import io.vigil.core.Action;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON REST API under {@code /api} (documented in {@code openapi.json}). Login first, then
 * every request carries the session cookie, and every POST the CSRF header. Handlers only read
 * snapshots and submit commands; answers are always JSON written by {@link Json}, so client
 * input quoted in an error is escaped.
 */
final class Api {

    /** One endpoint after login: its method, its path template as in openapi.json, and what answers it. */
    private record Route(String method, String template, Pattern pattern, Handler handler) {
        Route(String method, String template, Handler handler) {
            this(method, template, Pattern.compile(template.replaceAll("\\{[^}]+}", "([^/]+)")), handler);
        }
    }

    @FunctionalInterface
    private interface Handler {
        void handle(Api api, Exchange ex, Sessions.Session s, Matcher path) throws IOException;
    }

    /** Served to anyone: the document and the login. Everything in {@link #ROUTES} needs a session. */
    private static final List<String> OPEN = List.of("GET /api/openapi.json", "POST /api/login");

    /**
     * Every endpoint behind the login, in the order they are matched. The OpenAPI document lists
     * exactly these and {@link #OPEN} (OpenApiContractTest).
     */
    private static final List<Route> ROUTES = List.of(
            new Route("GET", "/api/session", (a, ex, s, m) -> Http.json(ex, 200, Auth.sessionBody(s))),
            new Route("POST", "/api/logout", (a, ex, s, m) -> a.auth.logout(ex, s)),
            new Route("GET", "/api/cluster", (a, ex, s, m) -> Http.json(ex, 200, a.cluster.snapshot())),
            new Route("GET", "/api/metrics", (a, ex, s, m) -> a.metrics(ex)),
            new Route("GET", "/api/events", (a, ex, s, m) -> a.events(ex, s)),
            new Route("POST", "/api/cluster/commands/{name}", (a, ex, s, m) -> a.clusterCommand(ex, m.group(1))),
            new Route("POST", "/api/nodes/{id}/commands/{name}", (a, ex, s, m) -> a.nodeCommand(ex, m.group(1),
                    m.group(2))),
            new Route("GET", "/api/nodes/{id}/logs/{log}", (a, ex, s, m) -> a.logs(ex, m.group(1), m.group(2))),
            new Route("GET", "/api/nodes/{id}/estimate", (a, ex, s, m) -> a.estimate(ex, m.group(1))),
            new Route("GET", "/api/nodes/{id}/snapshot", (a, ex, s, m) -> a.snapshot(ex, m.group(1))),
            new Route("POST", "/api/nodes/{id}/dump", (a, ex, s, m) -> a.dump(ex, m.group(1))),
            new Route("GET", "/api/nodes/{id}/dumps", (a, ex, s, m) -> a.dumps(ex, m.group(1))));

    /** "METHOD /template" of every endpoint, open ones first: what openapi.json must document. */
    static List<String> endpoints() {
        List<String> all = new ArrayList<>(OPEN);
        ROUTES.forEach(r -> all.add(r.method() + " " + r.template()));
        return all;
    }

    private final Auth auth;
    private final ClusterView cluster;
    private final EventStream events;
    private final ConnectionGuard connections;
    private final String configYaml;
    private final java.nio.file.Path supportDir;
    private final Clock clock;

    /**
     * @param configYaml this node's configuration with secrets redacted, for snapshots
     * @param supportDir this node's kept dumps and configurations, for snapshots
     */
    Api(Auth auth, ClusterView cluster, EventStream events, ConnectionGuard connections, String configYaml,
        java.nio.file.Path supportDir, Clock clock) {
        this.auth = auth;
        this.cluster = cluster;
        this.events = events;
        this.connections = connections;
        this.configYaml = configYaml;
        this.supportDir = supportDir;
        this.clock = clock;
    }

    void handle(Exchange ex) throws IOException {
        String path = ex.path();
        String method = ex.method();
        if (path.equals("/api/openapi.json")) {
            if (allow(ex, "GET")) {
                openApi(ex);
            }
            return;
        }
        if (path.equals("/api/login")) {
            if (allow(ex, "POST")) {
                auth.login(ex);
            }
            return;
        }
        Optional<Sessions.Session> session = auth.require(ex, path.equals("/api/metrics") && method.equals("GET"));
        if (session.isEmpty()) {
            return;
        }
        if (Auth.SCRAPER.equals(session.get().user()) && !path.equals("/api/metrics")) {
            // Never reached (the token is only looked at for /api/metrics); kept so a later change cannot widen it.
            Http.error(ex, 401, "login-required", "the metrics token opens GET /api/metrics only; log in first");
            return;
        }
        route(ex, path, session.get());
    }

    private Metrics.ConsoleStats consoleStats() {
        PasswordCheck c = auth.check();
        return new Metrics.ConsoleStats(events.clientCount(), connections.openConnections(), c.hashesRun(),
                c.rateLimited(), c.busy(), connections.cut(), connections.refused());
    }

    private void route(Exchange ex, String path, Sessions.Session s) throws IOException {
        for (Route r : ROUTES) {
            Matcher m = r.pattern().matcher(path);
            if (m.matches()) {
                if (allow(ex, r.method())) {
                    r.handler().handle(this, ex, s, m);
                }
                return;
            }
        }
        Http.error(ex, 404, "not-found", "no API endpoint " + Http.printable(path) + "; see /api/openapi.json");
    }

    private void metrics(Exchange ex) throws IOException {
        Http.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                Metrics.render(cluster.snapshot(), consoleStats()).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean allow(Exchange ex, String method) throws IOException {
        String m = ex.method();
        if (m.equals(method) || (method.equals("GET") && m.equals("HEAD"))) {
            return true;
        }
        ex.setHeader("Allow", method);
        Http.error(ex, 405, "method", "use " + method + " for " + Http.printable(ex.path()));
        return false;
    }

    private NodeAccess node(Exchange ex, String id) throws IOException {
        NodeAccess n = id.matches("[12]") ? cluster.node(Integer.parseInt(id)) : null;
        if (n == null) {
            Http.error(ex, 404, "no-such-node", "no node \"" + Http.printable(id) + "\" in this cluster; use 1 or 2");
        }
        return n;
    }

    /** The command word and argument for a menu action id ("failover-off") or a plain word with {"arg":...}. */
    private static String[] command(Exchange ex, String name) throws IOException {
        ActionRules.Def def = ActionRules.def(name);
        if (def != null) {
            return new String[] {def.word(), def.arg()};
        }
        String arg = commandArg(Http.body(ex));
        Action.parse(name, arg); // throws with a precise message for an unknown word or argument
        return new String[] {name, arg};
    }

    /**
     * The argument of a command body {@code {"arg":"on"}} (null when blank or absent); what every
     * command goes through, and what bench/fuzz feeds (ConsoleFuzzEntry).
     *
     * @throws IllegalArgumentException the body is not JSON
     */
    static String commandArg(String body) {
        if (body.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n != null && n.hasNonNull("arg") ? n.get("arg").asText() : null;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body must be JSON such as {\"arg\":\"on\"}");
        }
    }

    private void nodeCommand(Exchange ex, String id, String name) throws IOException {
        NodeAccess n = node(ex, id);
        if (n == null) {
            return;
        }
        String[] c;
        try {
            c = command(ex, name);
        } catch (IllegalArgumentException e) {
            Http.error(ex, 400, "bad-command", e.getMessage());
            return;
        }
        try {
            CommandResult r = n.command(c[0], c[1], who(ex));
            Http.json(ex, r.accepted() ? 200 : 409, r);
        } catch (NodeAccess.NodeUnavailable e) {
            Http.error(ex, 502, "node-unreachable", e.getMessage());
        }
    }

    /** Cluster actions (SPEC §2 "Start / Stop / Restart ... both"): the same command to each node in turn. */
    private void clusterCommand(Exchange ex, String name) throws IOException {
        String[] c;
        try {
            c = command(ex, name);
        } catch (IllegalArgumentException e) {
            Http.error(ex, 400, "bad-command", e.getMessage());
            return;
        }
        List<CommandResult> results = new ArrayList<>();
        boolean all = true;
        for (int id = 1; id <= 2; id++) {
            try {
                CommandResult r = cluster.node(id).command(c[0], c[1], who(ex));
                results.add(r);
                all &= r.accepted();
            } catch (NodeAccess.NodeUnavailable e) {
                results.add(new CommandResult(id, c[0], false, e.getMessage()));
                all = false;
            }
        }
        Http.json(ex, all ? 200 : 409, Map.of("results", results));
    }

    private void logs(Exchange ex, String id, String log) throws IOException {
        NodeAccess n = node(ex, id);
        if (n == null) {
            return;
        }
        if (!LogPage.LOGS.contains(log)) {
            Http.error(ex, 404, "no-such-log", "no log \"" + Http.printable(log) + "\"; use one of " + LogPage.LOGS);
            return;
        }
        Map<String, String> q = Http.query(ex);
        int offset;
        int limit;
        try {
            offset = Integer.parseInt(q.getOrDefault("offset", "0"));
            limit = Integer.parseInt(q.getOrDefault("limit", "200"));
        } catch (NumberFormatException e) {
            Http.error(ex, 400, "bad-query", "offset and limit must be whole numbers");
            return;
        }
        if (offset < 0 || limit < 1 || limit > 5000) {
            Http.error(ex, 400, "bad-query", "offset must be >= 0 and limit 1..5000 (got " + offset + ", " + limit + ")");
            return;
        }
        try {
            LogPage page = n.logs(log, "true".equals(q.get("verbose")), offset, limit);
            if ("true".equals(q.get("download"))) {
                Http.attachment(ex, "text/plain; charset=utf-8", "node" + n.id() + "-" + log + ".log",
                        (String.join("\n", page.lines()) + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                Http.json(ex, 200, page);
            }
        } catch (NodeAccess.NodeUnavailable e) {
            Http.error(ex, 502, "node-unreachable", e.getMessage());
        }
    }

    private void estimate(Exchange ex, String id) throws IOException {
        NodeAccess n = node(ex, id);
        if (n == null) {
            return;
        }
        try {
            Http.json(ex, 200, n.estimate());
        } catch (IllegalStateException e) {
            Http.error(ex, 409, "refused", e.getMessage());
        } catch (NodeAccess.NodeUnavailable e) {
            Http.error(ex, 502, "node-unreachable", e.getMessage());
        }
    }

    private void snapshot(Exchange ex, String id) throws IOException {
        NodeAccess n = node(ex, id);
        if (n == null) {
            return;
        }
        try {
            byte[] zip = Snapshot.build(n, n.local() ? configYaml : null, n.local() ? supportDir : null, clock);
            Http.attachment(ex, "application/zip", "vigil-snapshot-node" + n.id() + ".zip", zip);
        } catch (NodeAccess.NodeUnavailable e) {
            Http.error(ex, 502, "node-unreachable", e.getMessage());
        }
    }

    /** Support "dump" (SPEC §2): the node writes one and keeps its last 3. */
    private void dump(Exchange ex, String id) throws IOException {
        NodeAccess n = node(ex, id);
        if (n != null) {
            supportAnswer(ex, () -> n.dump(who(ex)));
        }
    }

    private void dumps(Exchange ex, String id) throws IOException {
        NodeAccess n = node(ex, id);
        if (n != null) {
            supportAnswer(ex, () -> Map.of("dumps", n.dumps()));
        }
    }

    @FunctionalInterface
    private interface NodeAnswer {
        Object get() throws NodeAccess.NodeUnavailable;
    }

    private static void supportAnswer(Exchange ex, NodeAnswer answer) throws IOException {
        try {
            Http.json(ex, 200, answer.get());
        } catch (IllegalStateException e) {
            Http.error(ex, 409, "refused", e.getMessage());
        } catch (NodeAccess.NodeUnavailable e) {
            Http.error(ex, 502, "node-unreachable", e.getMessage());
        }
    }

    private void events(Exchange ex, Sessions.Session s) throws IOException {
        EventStream.Client client = events.subscribe();
        if (client == null) {
            Http.error(ex, 503, "busy", "too many live pages on this console; close some and reload");
            return;
        }
        Http.securityHeaders(ex);
        ex.setHeader("Content-Type", "text/event-stream; charset=utf-8");
        ex.setHeader("Cache-Control", "no-store");
        ex.sendHeaders(200, -1);
        try (OutputStream out = ex.responseBody()) {
            // Tell the browser to reconnect quickly if the node restarts (SSE retry is in ms).
            out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (auth.alive(s)) {
                String frame = client.next(15_000);
                out.write((frame == null ? ": keep-alive\n\n" : frame).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // The page was closed or reloaded: nothing to report.
        } finally {
            events.unsubscribe(client);
            ex.close();
        }
    }

    private static void openApi(Exchange ex) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("web/openapi.json")) {
            if (in == null) {
                Http.error(ex, 500, "internal", "openapi.json is missing from this build");
                return;
            }
            ex.setHeader("Access-Control-Allow-Origin", "*");
            Http.send(ex, 200, "application/json; charset=utf-8", in.readAllBytes());
        }
    }

    private static String who(Exchange ex) {
        return Auth.USER + " (console, " + Http.remote(ex) + ")";
    }
}
