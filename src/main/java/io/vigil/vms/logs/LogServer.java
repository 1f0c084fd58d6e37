package io.vigil.vms.logs;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vigil.vms.management.Accounts;
import io.vigil.vms.management.ApiError;
import io.vigil.vms.management.ApiSupport;
import io.vigil.vms.management.AuditLog;
import io.vigil.vms.management.Principal;
import io.vigil.vms.management.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;

/**
 * The reference VMS's log server (issue 13): the system log records services send it, and the
 * management server's audit log, both kept in the cluster's database and searchable by time,
 * user, source, level and text. Reading needs an administrator (logs can name users and hosts).
 */
public final class LogServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogServer.class);
    static final int MAX_BATCH = 500;

    private final Store store;
    private final Accounts accounts;
    private final String node;
    private final Javalin app;

    private LogServer(Store store, Clock clock, String node, String bind, int port) {
        this.store = store;
        this.accounts = new Accounts(store, clock);
        this.node = node;
        this.app = ApiSupport.server(bind, port, 32, 1024 * 1024, this::routes);
    }

    public static LogServer start(Store store, Clock clock, String node, String bind, int port) {
        LogServer s = new LogServer(store, clock, node, bind, port);
        s.app.start();
        LOG.info("log server of node {} listening on {}:{}", node, bind, s.port());
        return s;
    }

    public int port() {
        return app.port();
    }

    /** The routes it answers, as "METHOD /path". */
    public java.util.List<String> routes() {
        return ApiSupport.routes(app);
    }

    private void routes(RoutesConfig r) {
        r.get("/health", ctx -> ApiSupport.json(ctx, 200, Map.of("node", node)));
        ApiSupport.requireLogin(r, accounts);
        r.post("/api/logs", this::receive);
        r.get("/api/logs", ctx -> {
            requireAdministrator(ctx);
            ApiSupport.json(ctx, 200, store.read(c -> Logs.search(c, new Logs.Query(ApiSupport.instant(ctx, "from"),
                    ApiSupport.instant(ctx, "to"), ctx.queryParam("user"), ctx.queryParam("source"),
                    Logs.level(ctx.queryParam("level")), ctx.queryParam("q"),
                    ApiSupport.intParam(ctx, "limit", 100, 1, Logs.MAX_LIST)))));
        });
        r.get("/api/logs/audit", ctx -> {
            requireAdministrator(ctx);
            ApiSupport.json(ctx, 200, store.read(c -> AuditLog.search(c, ctx.queryParam("user"),
                    ApiSupport.instant(ctx, "from"), ApiSupport.instant(ctx, "to"),
                    ApiSupport.intParam(ctx, "limit", 100, 1, AuditLog.MAX_ROWS))));
        });
        ApiSupport.openApi(r);
        ApiSupport.errors(r);
    }

    private void receive(Context ctx) throws SQLException {
        Principal who = ApiSupport.who(ctx);
        if (!who.canWrite() && !who.role().equals("reporter")) {
            throw new ApiError(403, null, "user '" + who.name() + "' has role '" + who.role()
                    + "', which cannot send log records; use an administrator or reporter account");
        }
        var records = Logs.inputs(ctx.body(), MAX_BATCH);
        int stored = store.write(c -> Logs.insert(c, records));
        ApiSupport.json(ctx, 200, Map.of("stored", stored));
    }

    private static void requireAdministrator(Context ctx) {
        if (!ApiSupport.who(ctx).canWrite()) {
            throw new ApiError(403, null, "only an administrator may read the logs");
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
