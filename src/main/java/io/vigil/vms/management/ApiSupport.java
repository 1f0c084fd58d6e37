package io.vigil.vms.management;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the reference VMS's servers (management, event, log) share on the HTTP side: login
 * required on every {@code /api} route, errors as {@code {"error", "field"}}, a database that
 * does not answer reported as 503 with {@code Retry-After} (a failover is under way; the client
 * retries), and strict parameter parsing that names the parameter at fault.
 */
public final class ApiSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ApiSupport.class);
    private static final String WHO = "vigil.principal";

    private ApiSupport() {
    }

    /**
     * A Javalin app on Jetty 12 with the servers' common limits: a bounded thread pool and a
     * bounded request body, no banner; {@code routes} adds the server's own routes.
     */
    public static io.javalin.Javalin server(String bind, int port, int threads, long maxBodyBytes,
                                            java.util.function.Consumer<RoutesConfig> routes) {
        return io.javalin.Javalin.create(cfg -> {
            cfg.jetty.threadPool = new org.eclipse.jetty.util.thread.QueuedThreadPool(threads, 4, 60_000);
            cfg.jetty.host = bind;
            cfg.jetty.port = port;
            cfg.http.maxRequestSize = maxBodyBytes;
            cfg.startup.showJavalinBanner = false;
            routes.accept(cfg.routes);
        });
    }

    /**
     * A body that is one JSON object or an array of 1 to {@code max} of them (events, log
     * records); anything else is refused. {@code what} names the items in the message.
     */
    public static java.util.List<com.fasterxml.jackson.databind.JsonNode> objects(String body, int max, String what) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw ApiError.badField(null, "the body is not valid JSON");
        }
        java.util.List<com.fasterxml.jackson.databind.JsonNode> nodes = new java.util.ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(nodes::add);
        } else if (root != null && root.isObject()) {
            nodes.add(root);
        } else {
            throw ApiError.badField(null, "send one " + what + " object or an array of them");
        }
        if (nodes.isEmpty() || nodes.size() > max) {
            throw ApiError.badField(null, "send 1 to " + max + " " + what + "s per request");
        }
        for (com.fasterxml.jackson.databind.JsonNode n : nodes) {
            if (!n.isObject()) {
                throw ApiError.badField(null, "every " + what + " is a JSON object");
            }
        }
        return nodes;
    }

    /** Binds {@code args} to the statement's placeholders, in order. */
    public static void bind(java.sql.PreparedStatement st, java.util.List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            st.setObject(i + 1, args.get(i));
        }
    }

    /** Every route under /api except {@code open} needs {@code Authorization: Bearer TOKEN}. */
    public static void requireLogin(RoutesConfig r, Accounts accounts, String... open) {
        r.before("/api/*", ctx -> {
            for (String path : open) {
                if (ctx.path().equals(path)) {
                    return;
                }
            }
            Principal who = accounts.authenticate(bearer(ctx));
            if (who == null) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new ApiError(401, null, "log in first: POST /api/login on the management server, then send"
                        + " Authorization: Bearer TOKEN");
            }
            ctx.attribute(WHO, who);
        });
    }

    public static void errors(RoutesConfig r) {
        r.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.field(), e.getMessage()));
        r.exception(SQLException.class, (e, ctx) -> databaseFailure(ctx, e));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, null, "internal error; the server's log has the details");
        });
        r.error(404, ctx -> {
            if (ctx.result() == null) {
                error(ctx, 404, null, "no such route: " + ctx.method() + " " + ctx.path());
            }
        });
    }

    /** Serves this API's OpenAPI document, open like /health: it describes, it grants nothing. */
    public static void openApi(RoutesConfig r) {
        r.get("/openapi.json", ctx -> {
            try (var in = ApiSupport.class.getResourceAsStream("/io/vigil/vms/openapi.json")) {
                ctx.contentType("application/json").result(in.readAllBytes());
            }
        });
    }

    /** The routes {@code app} answers, as "METHOD /path" (for the contract test against the OpenAPI document). */
    public static java.util.List<String> routes(io.javalin.Javalin app) {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> java.util.Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(e.endpoint.method.name()))
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path).sorted().toList();
    }

    /** The user the request acts for (set by {@link #requireLogin}). */
    public static Principal who(Context ctx) {
        return ctx.attribute(WHO);
    }

    static String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        return h != null && h.startsWith("Bearer ") ? h.substring(7).strip() : null;
    }

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    public static void error(Context ctx, int status, String field, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error", message);
        if (field != null) {
            e.put("field", field);
        }
        json(ctx, status, e);
    }

    public static Instant instant(Context ctx, String param) {
        String v = ctx.queryParam(param);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiError.badField(param, "'" + v + "' is not a time; write it as 2026-12-07T14:00:00Z");
        }
    }

    public static int intParam(Context ctx, String param, int dflt, int min, int max) {
        String v = ctx.queryParam(param);
        try {
            int n = v == null ? dflt : Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiError.badField(param, param + " must be a number from " + min + " to " + max);
    }

    public static long longParam(Context ctx, String param, long dflt) {
        String v = ctx.queryParam(param);
        try {
            long n = v == null ? dflt : Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiError.badField(param, param + " must be a number >= 0");
    }

    static void databaseFailure(Context ctx, SQLException e) {
        if (unreachable(e)) {
            LOG.warn("the database did not answer {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            ctx.header("Retry-After", "1");
            error(ctx, 503, null, "the database is not reachable (a failover may be under way); retry in a second");
            return;
        }
        LOG.error("database error serving {} {} (SQLSTATE {})", ctx.method(), ctx.path(), e.getSQLState(), e);
        error(ctx, 500, null, "the database refused the request (SQLSTATE " + e.getSQLState() + "); nothing was changed");
    }

    /** Connection lost or refused, server shutting down, or a read-only (standby) database: all pass with a failover. */
    public static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return e.getMessage() != null && e.getMessage().contains("Connection is not available");
        }
        return state.startsWith("08") || state.startsWith("57P") || state.equals("25006");
    }
}
