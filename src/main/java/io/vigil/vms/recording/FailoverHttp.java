package io.vigil.vms.recording;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vigil.vms.management.ApiError;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routes the failover coordinator calls on a recording or failover server (issue 14), all
 * behind the coordinator's own token ({@code --coordinator-token-file}; one key per purpose, so a
 * viewer's token cannot start or stop a cover):
 * <ul>
 *   <li>{@code GET /failover/watch}: a never-ending answer, one JSON line every {@code beat-ms}
 *   (name, what it covers). The coordinator keeps it open: a process that dies closes it at
 *   once; a machine or link that dies stops the lines, which the coordinator counts.</li>
 *   <li>{@code GET|PUT|DELETE /failover/cover} (failover servers only): what it covers, cover, hand back.</li>
 * </ul>
 */
final class FailoverHttp {
    static final int DEFAULT_BEAT_MS = 250;

    private final RecordingServer server;
    private volatile boolean closed;

    FailoverHttp(RecordingServer server) {
        this.server = server;
    }

    void routes(RoutesConfig r) {
        r.before("/failover*", ctx -> RecordingHttp.requireBearer(ctx, server.coordinatorToken(),
                "send Authorization: Bearer TOKEN with the token of the server's --coordinator-token-file",
                "this server takes no coordinator calls: start it with --coordinator-token-file"));
        r.get("/failover/watch", this::watch);
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

    /** Streams one line per beat until the coordinator goes away or this server closes. */
    private void watch(Context ctx) throws IOException {
        int beat = beatMillis(ctx);
        ctx.status(200).contentType("application/x-ndjson").header("Cache-Control", "no-store");
        OutputStream out = ctx.outputStream();
        while (!closed) {
            try {
                out.write((ManagementClient.MAPPER.writeValueAsString(state()) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                return; // the coordinator went away (or restarted): nothing to answer
            }
            try {
                Thread.sleep(beat);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
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
        closed = true;
    }
}
