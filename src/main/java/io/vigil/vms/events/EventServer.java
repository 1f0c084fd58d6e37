package io.vigil.vms.events;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.vigil.vms.management.Accounts;
import io.vigil.vms.management.ApiError;
import io.vigil.vms.management.ApiSupport;
import io.vigil.vms.management.Json;
import io.vigil.vms.management.Principal;
import io.vigil.vms.management.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The reference VMS's event server (issue 13): stores events in the cluster's database and lets
 * clients list them and follow them live (server-sent events). Senders choose each event's
 * {@code eventId}; the database keeps it unique, so an event sent again after a failover (the
 * sender never saw the first answer) is stored and delivered once.
 *
 * <p>Followers ({@code GET /api/events/stream}) resume from the id they last saw
 * ({@code Last-Event-ID}, or {@code ?after=}), so one that reconnects after the event server
 * moved to the other node misses nothing and sees nothing twice. Inserts are serialised in this
 * process so that ids become visible in order and a follower's "after id N" never skips one.
 */
public final class EventServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventServer.class);
    static final int MAX_BATCH = 500;
    static final long POLL_MS = 200;

    private final Store store;
    private final Accounts accounts;
    private final String node;
    private final Javalin app;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "event-followers");
        t.setDaemon(true);
        return t;
    });
    private final Object insertOrder = new Object();

    private static final class Follower {
        final SseClient client;
        final String type;
        volatile long last;

        Follower(SseClient client, String type, long last) {
            this.client = client;
            this.type = type;
            this.last = last;
        }
    }

    private EventServer(Store store, Clock clock, String node, String bind, int port) {
        this.store = store;
        this.accounts = new Accounts(store, clock);
        this.node = node;
        this.app = ApiSupport.server(bind, port, 64, 1024 * 1024, this::routes);
    }

    public static EventServer start(Store store, Clock clock, String node, String bind, int port) {
        EventServer s = new EventServer(store, clock, node, bind, port);
        s.app.start();
        s.poller.scheduleWithFixedDelay(s::feedFollowers, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        LOG.info("event server of node {} listening on {}:{}", node, bind, s.port());
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
        r.post("/api/events", this::receive);
        r.get("/api/events", ctx -> ApiSupport.json(ctx, 200, store.read(c -> Events.list(c,
                ApiSupport.longParam(ctx, "after", 0), ctx.queryParam("type"), ctx.queryParam("source"),
                ApiSupport.intParam(ctx, "limit", 100, 1, Events.MAX_LIST)))));
        r.sse("/api/events/stream", this::follow);
        ApiSupport.openApi(r);
        ApiSupport.errors(r);
    }

    private void receive(Context ctx) throws SQLException {
        Principal who = ApiSupport.who(ctx);
        if (!who.canWrite() && !who.role().equals("reporter")) {
            throw new ApiError(403, null, "user '" + who.name() + "' has role '" + who.role()
                    + "', which cannot report events; use an administrator or reporter account");
        }
        List<Events.Input> events = Events.inputs(ctx.body(), MAX_BATCH);
        int stored;
        synchronized (insertOrder) {
            stored = store.write(c -> Events.insert(c, events));
        }
        ApiSupport.json(ctx, 200, Map.of("received", events.size(), "stored", stored,
                "duplicates", events.size() - stored));
    }

    private void follow(SseClient client) {
        Context ctx = client.ctx();
        String lastSeen = ctx.header("Last-Event-ID");
        long after;
        try {
            after = lastSeen != null ? Long.parseLong(lastSeen.strip()) : ApiSupport.longParam(ctx, "after", -1);
        } catch (NumberFormatException e) {
            after = -1;
        }
        if (after < 0) {
            try {
                after = store.read(Events::lastId); // from now on
            } catch (SQLException e) {
                client.sendEvent("error", "the database is not reachable; reconnect in a second");
                client.close();
                return;
            }
        }
        Follower f = new Follower(client, ctx.queryParam("type"), after);
        client.keepAlive();
        client.onClose(() -> followers.remove(f));
        followers.add(f);
        LOG.debug("follower added after {} type {}", f.last, f.type);
    }

    private void feedFollowers() {
        for (Follower f : followers) {
            if (f.client.terminated()) {
                followers.remove(f);
                continue;
            }
            try {
                for (Map<String, Object> e : store.read(c -> Events.list(c, f.last, f.type, null, Events.MAX_LIST))) {
                    long id = (Long) e.get("id");
                    f.client.sendEvent("event", Json.write(e), Long.toString(id));
                    f.last = id;
                }
            } catch (SQLException e) {
                LOG.debug("followers wait for the database: {}", e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.debug("a follower went away: {}", e.toString());
                followers.remove(f); // the follower went away mid-send
            }
        }
    }

    /** For tests: how many followers are connected. */
    int followers() {
        return followers.size();
    }

    static final Set<String> SEVERITIES = Set.of("info", "warning", "alarm");

    @Override
    public void close() {
        poller.shutdownNow();
        for (Follower f : followers) {
            f.client.close();
        }
        app.stop();
    }
}
