package io.vigil.vms.management;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference VMS's management server (issue 13): the REST API for the site's configuration,
 * stored in the cluster's PostgreSQL. It runs only on the node that runs the services; clients
 * reach it through the cluster address and, after a failover, simply retry: a session token stays
 * valid (sessions are in the database) and a change sent again with the same
 * {@code Idempotency-Key} is not applied twice.
 *
 * <p>Every route under {@code /api} except {@code /api/login} needs {@code Authorization: Bearer
 * TOKEN}; changes need the administrator role. A refused request gets a 4xx with
 * {@code {"error": ..., "field": ...}} and changes nothing. {@code /health} is open: it says
 * only whether the server and its database answer (what a cluster checker needs).
 */
public final class ManagementServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    static final long MAX_BODY_BYTES = 64 * 1024;
    /** The account {@code --reporter-password-file} creates: the nodes' events.user. */
    public static final String NODE_REPORTER = "vigil-node";

    private final Store store;
    private final Accounts accounts;
    private final Changes changes;
    private final String node;
    private final Javalin app;

    private ManagementServer(Store store, Clock clock, String node, String bind, int port) {
        this.store = store;
        this.accounts = new Accounts(store, clock);
        this.changes = new Changes(store);
        this.node = node;
        this.app = ApiSupport.server(bind, port, 32, MAX_BODY_BYTES, this::routes);
    }

    /** Starts serving; the schema must already be migrated ({@link Store#migrate}). */
    public static ManagementServer start(Store store, Clock clock, String node, String bind, int port) {
        ManagementServer s = new ManagementServer(store, clock, node, bind, port);
        s.app.start();
        LOG.info("management server of node {} listening on {}:{}", node, bind, s.port());
        return s;
    }

    public int port() {
        return app.port();
    }

    /** The routes it answers, as "METHOD /path". */
    public java.util.List<String> routes() {
        return ApiSupport.routes(app);
    }

    /** Creates the first administrator when the database has no user yet. */
    public boolean bootstrapAdministrator(String password) throws SQLException {
        return accounts.bootstrap(password);
    }

    private void routes(RoutesConfig r) {
        r.get("/health", this::health);
        r.post("/api/login", ctx -> json(ctx, 200, accounts.login(Json.parse(ctx.body(), Inputs.Login.class))));
        ApiSupport.requireLogin(r, accounts, "/api/login");
        r.post("/api/logout", ctx -> {
            accounts.logout(ApiSupport.bearer(ctx));
            ctx.status(204);
        });

        r.get("/api/recording-servers", ctx -> json(ctx, 200, store.read(Configuration::servers)));
        r.get("/api/recording-servers/{id}", ctx -> json(ctx, 200, store.read(c -> Configuration.server(c, id(ctx)))));
        r.post("/api/recording-servers", ctx -> change(ctx, "create", c -> {
            var s = Configuration.createServer(c, Json.parse(ctx.body(), Inputs.RecordingServer.class));
            return new Changes.Outcome(201, s, "recording-server", String.valueOf(s.id()), s.name());
        }));
        r.put("/api/recording-servers/{id}", ctx -> change(ctx, "update", c -> {
            var s = Configuration.updateServer(c, id(ctx), Json.parse(ctx.body(), Inputs.RecordingServer.class));
            return new Changes.Outcome(200, s, "recording-server", String.valueOf(s.id()), s.name());
        }));
        r.delete("/api/recording-servers/{id}", ctx -> change(ctx, "delete", c -> {
            long id = id(ctx);
            Configuration.deleteServer(c, id);
            return new Changes.Outcome(200, Map.of("deleted", id), "recording-server", String.valueOf(id), null);
        }));

        r.get("/api/recording-servers/{id}/devices", ctx -> json(ctx, 200, store.read(c -> Configuration.devices(c, id(ctx)))));
        r.post("/api/recording-servers/{id}/devices", ctx -> change(ctx, "create", c -> {
            var d = Configuration.createDevice(c, id(ctx), Json.parse(ctx.body(), Inputs.Device.class));
            return new Changes.Outcome(201, d, "device", String.valueOf(d.id()), d.name());
        }));
        r.get("/api/devices/{id}", ctx -> json(ctx, 200, store.read(c -> Configuration.device(c, id(ctx)))));
        r.put("/api/devices/{id}", ctx -> change(ctx, "update", c -> {
            var d = Configuration.updateDevice(c, id(ctx), Json.parse(ctx.body(), Inputs.Device.class));
            return new Changes.Outcome(200, d, "device", String.valueOf(d.id()), d.name());
        }));
        r.delete("/api/devices/{id}", ctx -> change(ctx, "delete", c -> {
            long id = id(ctx);
            Configuration.deleteDevice(c, id);
            return new Changes.Outcome(200, Map.of("deleted", id), "device", String.valueOf(id), null);
        }));

        r.get("/api/services", ctx -> json(ctx, 200, store.read(Configuration::services)));
        r.put("/api/services/{name}", ctx -> change(ctx, "register", c -> {
            var s = Configuration.putService(c, ctx.pathParam("name"), Json.parse(ctx.body(), Inputs.Service.class));
            return new Changes.Outcome(200, s, "service", s.name(), s.address() + ":" + s.port());
        }));

        r.get("/api/users", ctx -> {
            requireAdministrator(ctx);
            json(ctx, 200, store.read(Accounts::list));
        });
        r.post("/api/users", ctx -> change(ctx, "create", c -> {
            Inputs.User u = Json.parse(ctx.body(), Inputs.User.class);
            Accounts.insert(c, u);
            return new Changes.Outcome(201, Map.of("name", u.name(), "role", u.role()), "user", u.name(), u.role());
        }));
        r.delete("/api/users/{name}", ctx -> change(ctx, "delete", c -> {
            Accounts.delete(c, ctx.pathParam("name"));
            return new Changes.Outcome(200, Map.of("deleted", ctx.pathParam("name")), "user", ctx.pathParam("name"), null);
        }));

        r.get("/api/audit", ctx -> {
            requireAdministrator(ctx);
            json(ctx, 200, store.read(c -> AuditLog.search(c, ctx.queryParam("user"),
                    ApiSupport.instant(ctx, "from"), ApiSupport.instant(ctx, "to"),
                    ApiSupport.intParam(ctx, "limit", 100, 1, AuditLog.MAX_ROWS))));
        });

        ApiSupport.openApi(r);
        ApiSupport.errors(r);
    }

    private void health(Context ctx) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("node", node);
        try {
            store.read(c -> c.isValid(1));
            h.put("database", "ok");
            json(ctx, 200, h);
        } catch (SQLException e) {
            h.put("database", "unreachable");
            json(ctx, 503, h);
        }
    }

    private void change(Context ctx, String action, Store.Work<Changes.Outcome> work) throws SQLException {
        Principal who = ApiSupport.who(ctx);
        Changes.Answer a = changes.apply(who, action, ctx.header("Idempotency-Key"), work);
        if (a.replayed()) {
            ctx.header("Idempotent-Replay", "true");
        }
        ctx.status(a.status()).contentType("application/json").result(a.json());
    }

    private static void requireAdministrator(Context ctx) {
        Principal who = ApiSupport.who(ctx);
        if (!who.canWrite()) {
            throw new ApiError(403, null, "only an administrator may read users and the audit log");
        }
    }

    private static long id(Context ctx) {
        try {
            long id = Long.parseLong(ctx.pathParam("id"));
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through to the refusal
        }
        throw ApiError.badField("id", "'" + ctx.pathParam("id") + "' is not an id (a positive number)");
    }

    private static void json(Context ctx, int status, Object body) {
        ApiSupport.json(ctx, status, body);
    }

    @Override
    public void close() {
        app.stop();
    }
}
