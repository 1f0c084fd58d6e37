package io.vigil.vms.recording;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.vigil.vms.management.ApiError;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The routes the failover coordinator calls on a recording or failover server (issue 14), all
 * behind the coordinator's own token ({@code --coordinator-token-file}; one key per purpose, so a
 * viewer's token cannot start or stop a cover):
 * <ul>
 *   <li>{@code GET /failover/watch}: a never-ending answer (server-sent events), one {@code beat}
 *   event every {@code beat-ms} (name, what it covers). The coordinator keeps it open: a process that dies closes it at
 *   once; a machine or link that dies stops the lines, which the coordinator counts.</li>
 *   <li>{@code GET|PUT|DELETE /failover/cover} (failover servers only): what it covers, cover, hand back.</li>
 * </ul>
 */
final class FailoverHttp {
    static final int DEFAULT_BEAT_MS = 250;

    private final RecordingServer server;
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "failover-beats");
        t.setDaemon(true);
        return t;
    });

    FailoverHttp(RecordingServer server) {
        this.server = server;
        beats.scheduleWithFixedDelay(this::beat, 25, 25, TimeUnit.MILLISECONDS);
    }

    void routes(RoutesConfig r) {
        r.before("/failover*", ctx -> RecordingHttp.requireBearer(ctx,
                "send Authorization: Bearer TOKEN with the token of the server's --coordinator-token-file",
                "this server takes no coordinator calls: start it with --coordinator-token-file",
                server.coordinatorToken()));
        r.sse("/failover/watch", this::watch);
        r.get("/failover/cover", ctx -> RecordingHttp.json(ctx, 200, state()));
        r.put("/failover/cover", ctx -> {
            FailoverMode.Cover c = parse(ctx.body());
            mode().cover(c);
            RecordingHttp.json(ctx, 200, state());
        });
        r.delete("/failover/cover", ctx -> {
            Long was = mode().handBack();
            Map<String, Object> body = new LinkedHashMap<>(state());
            body.put("handedBack", was);
            RecordingHttp.json(ctx, 200, body);
        });
    }

    private FailoverMode mode() {
        FailoverMode m = server.failoverMode();
        if (m == null) {
            throw ApiError.conflict(null, "this is a recording server, not a failover server (start one with"
                    + " --failover)");
        }
        return m;
    }

    private Map<String, Object> state() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", server.name());
        s.put("failover", server.failoverMode() != null);
        s.put("covering", server.failoverMode() == null ? null : server.failoverMode().covering());
        return s;
    }

    private static FailoverMode.Cover parse(String body) {
        try {
            return ManagementClient.MAPPER.readValue(body, FailoverMode.Cover.class);
        } catch (IOException e) {
            throw ApiError.badField(null, "the body is not a cover: {\"recordingServerId\": 12,"
                    + " \"recordingServerName\": \"...\", \"devices\": [{\"device\": {...}, \"support\": \"full\"}]}");
        }
    }

    /** One coordinator keeping {@code /failover/watch} open, and when its next beat is due. */
    private static final class Watcher {
        final SseClient client;
        final long beatNanos;
        long due;

        Watcher(SseClient client, long beatNanos) {
            this.client = client;
            this.beatNanos = beatNanos;
            this.due = System.nanoTime();
        }
    }

    /** Keeps the watch open (server-sent events, which the server flushes beat by beat); {@link #beat} sends. */
    private void watch(SseClient client) {
        Watcher w = new Watcher(client, beatMillis(client.ctx()) * 1_000_000L);
        client.keepAlive();
        client.onClose(() -> watchers.remove(w));
        watchers.add(w);
        beat();
    }

    /** Sends each watcher whose beat is due one {@code beat} event: this server's name and what it covers. */
    private void beat() {
        long now = System.nanoTime();
        String state = null;
        for (Watcher w : watchers) {
            if (w.client.terminated()) {
                watchers.remove(w);
            } else if (now - w.due >= 0) {
                try {
                    state = state != null ? state : ManagementClient.MAPPER.writeValueAsString(state());
                    w.client.sendEvent("beat", state);
                    w.due = now + w.beatNanos;
                } catch (IOException | RuntimeException e) {
                    watchers.remove(w); // the coordinator went away mid-send
                }
            }
        }
    }

    private static int beatMillis(Context ctx) {
        String v = ctx.queryParam("beat-ms");
        if (v == null) {
            return DEFAULT_BEAT_MS;
        }
        try {
            int ms = Integer.parseInt(v);
            if (ms >= 50 && ms <= 10_000) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiError.badField("beat-ms", "beat-ms '" + v + "' is not between 50 and 10000 (milliseconds)");
    }

    /** Ends the watch streams, so that stopping the server is not held up by them. */
    void close() {
        beats.shutdownNow();
        watchers.forEach(w -> w.client.close());
    }
}
