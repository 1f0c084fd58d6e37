package io.vigil.vms.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vigil.vms.management.ApiError;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The recording server's HTTP API (port 7563 by default): {@code /health}, {@code /devices},
 * live ({@code /devices/{id}/live}) and playback ({@code /devices/{id}/playback} for the JSON index,
 * {@code /devices/{id}/playback/frames} for the frames in {@link FrameCodec}'s format, stitched from a
 * merge's source while it runs), and the merge's routes ({@link MergeRoutes}). Only a merge changes
 * what is recorded. A refused request gets a 4xx with
 * {@code {"error": ..., "field": ...}} naming the parameter.
 */
final class RecordingHttp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingHttp.class);
    /** A playback request spans at most a day: longer ones are asked for day by day. */
    static final long MAX_RANGE_MILLIS = 24 * 3_600_000L;
    /** The JSON index lists at most this many frames; {@code truncated} and {@code next} say where to go on. */
    static final int MAX_INDEX_FRAMES = 100_000;

    private static final String ANSWERED = "vigil.answered";

    private final RecordingServer server;
    private final FailoverHttp failover;
    private final Javalin app;

    RecordingHttp(RecordingServer server, String bind, int port) {
        this.server = server;
        this.failover = new FailoverHttp(server);
        this.app = Javalin.create(cfg -> {
            cfg.jetty.threadPool = new QueuedThreadPool(32, 4, 60_000);
            cfg.jetty.host = bind;
            cfg.jetty.port = port;
            cfg.http.maxRequestSize = 16 * 1024;
            cfg.startup.showJavalinBanner = false;
            routes(cfg.routes);
        });
        app.start();
    }

    int port() {
        return app.port();
    }

    private void routes(RoutesConfig r) {
        r.get("/health", this::health);
        r.before("/devices*", this::authenticate);
        r.get("/devices", ctx -> json(ctx, 200, devices()));
        r.get("/devices/{id}/live", this::live);
        r.get("/devices/{id}/playback", this::index);
        r.get("/devices/{id}/playback/frames", this::frames);
        r.before("/api/merge*", ctx -> {
            if ("GET".equals(ctx.method().name())) {
                authenticate(ctx); // reading: as /devices
            } else { // a merge writes into the store: never without a token; the coordinator's starts it
                requireBearer(ctx, "send Authorization: Bearer TOKEN with the token of the recording server's"
                        + " --api-token-file or --coordinator-token-file", "a merge writes into this server's"
                        + " recordings, so it needs a token: start the recording server with --coordinator-token-file"
                        + " (the failover coordinator's token) or --api-token-file", server.apiToken(),
                        server.coordinatorToken());
            }
        });
        new MergeRoutes(server).register(r);
        failover.routes(r);
        r.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.field(), e.getMessage()));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, null, "internal error; the recording server's log has the details");
        });
        r.error(404, ctx -> {
            if (ctx.attribute(ANSWERED) == null) { // Javalin's own text for an unknown route, not one of ours
                error(ctx, 404, null, "no such route: " + ctx.method() + " " + ctx.path());
            }
        });
    }

    /**
     * Video is personal data: with a token configured every route but {@code /health} needs it. The
     * comparison takes the same time whatever the guess, so the token cannot be found byte by byte.
     */
    private void authenticate(Context ctx) {
        if (server.apiToken() != null) {
            requireBearer(ctx, "send Authorization: Bearer TOKEN with the token of the recording server's"
                    + " --api-token-file", null, server.apiToken(),
                    server.coordinatorToken());
        }
    }

    /**
     * Refuses the request unless it carries one of the {@code accepted} tokens (nulls are skipped);
     * with none configured, refuses with {@code unset}.
     */
    static void requireBearer(Context ctx, String refused, String unset, byte[]... accepted) {
        List<byte[]> want = java.util.Arrays.stream(accepted).filter(java.util.Objects::nonNull).toList();
        if (want.isEmpty()) {
            throw new ApiError(403, null, unset);
        }
        String h = ctx.header("Authorization");
        byte[] got = h != null && h.startsWith("Bearer ") ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : null;
        boolean match = false;
        for (byte[] w : want) { // every token compared, so the time taken tells nothing either
            match |= got != null && MessageDigest.isEqual(sha256(w), sha256(got));
        }
        if (!match) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, null, refused);
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private void health(Context ctx) {
        Map<String, Object> h = new LinkedHashMap<>();
        String alarm = server.store().alarm();
        h.put("name", server.name());
        h.put("status", alarm == null ? "ok" : "storage-alarm");
        h.put("storage", alarm == null ? "ok" : alarm);
        h.put("droppedFrames", server.store().droppedFrames());
        String mgmt = server.configProblem();
        h.put("management", mgmt == null ? "ok" : mgmt);
        h.put("recordingDevices", server.recorder().status().size());
        json(ctx, alarm == null ? 200 : 503, h);
    }

    private List<Map<String, Object>> devices() throws IOException {
        Map<Long, Recorder.Status> status = server.recorder().status();
        TreeSet<Long> ids = new TreeSet<>(server.store().devices());
        ids.addAll(status.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (long id : ids) {
            Recorder.Status s = status.get(id);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", id);
            d.put("name", s == null ? null : s.config().name());
            d.put("kind", s == null ? null : s.config().kind());
            d.put("recording", s != null && s.problem() == null && s.stored());
            d.put("live", s != null && s.problem() == null);
            d.put("problem", s == null ? "not in this server's configuration any more" : s.problem());
            // a live-only device has no log: asking for its segments would make one
            d.put("spans", server.store().has(id) ? Spans.of(server.store().segments(id)) : List.of());
            out.add(d);
        }
        return out;
    }

    private void live(Context ctx) {
        long id = device(ctx);
        Frame f = server.recorder().latest(id);
        if (f == null) {
            throw new ApiError(503, null, "device " + id + " has delivered no frame since this server started; retry"
                    + " in a second (GET /devices shows the device's problem, if any)");
        }
        Recorder.Status s = server.recorder().status().get(id);
        boolean jpeg = s != null && "mjpeg".equals(s.config().kind());
        ctx.header("X-Sequence", Long.toString(f.sequence()));
        ctx.header("X-Capture-Time", Instant.ofEpochMilli(f.captureMillis()).toString());
        ctx.header("Cache-Control", "no-store");
        ctx.status(200).contentType(jpeg ? "image/jpeg" : "application/octet-stream").result(f.payload());
    }

    private void index(Context ctx) throws IOException {
        long id = device(ctx);
        long[] range = range(ctx);
        List<Map<String, Object>> frames = new ArrayList<>();
        long[] next = {-1};
        String stitched;
        try (StitchedPlayback p = StitchedPlayback.open(server.store(), server.merger(), id, range[0], range[1])) {
            stitched = p.note();
            p.read(f -> {
                if (frames.size() < MAX_INDEX_FRAMES) {
                    frames.add(Map.of("seq", f.sequence(), "time", f.captureMillis(), "bytes", f.payload().length));
                } else if (next[0] < 0) {
                    next[0] = f.captureMillis();
                }
            });
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (stitched != null) {
            body.put("stitched", stitched);
        }
        body.put("device", id);
        body.put("from", Instant.ofEpochMilli(range[0]).toString());
        body.put("to", Instant.ofEpochMilli(range[1]).toString());
        body.put("frames", frames);
        body.put("truncated", next[0] >= 0);
        if (next[0] >= 0) {
            body.put("next", Instant.ofEpochMilli(next[0]).toString());
        }
        json(ctx, 200, body);
    }

    /** Streams the frames as they are read from disk, never holding the whole range in memory. */
    private void frames(Context ctx) throws IOException {
        long id = device(ctx);
        long[] range = range(ctx);
        try (StitchedPlayback p = StitchedPlayback.open(server.store(), server.merger(), id, range[0], range[1]);
             OutputStream out = new BufferedOutputStream(stitched(ctx, p).outputStream(), 1 << 16)) {
            p.read(f -> {
                try {
                    out.write(FrameCodec.header(f).array());
                    out.write(f.payload());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            LOG.debug("playback client went away: {}", e.getMessage()); // nothing to answer any more
        }
    }

    private static Context stitched(Context ctx, StitchedPlayback p) {
        if (p.note() != null) {
            ctx.header("X-Vigil-Stitched", p.note());
        }
        return ctx.status(200).contentType("application/x-vigil-frames");
    }

    private long device(Context ctx) {
        String v = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiError.badField("id", "'" + v + "' is not a device id (a positive number; GET /devices lists them)");
        }
        if (!server.store().has(id) && !server.recorder().status().containsKey(id)
                && server.merger().stitch(id, 0, Long.MAX_VALUE) == null) {
            throw new ApiError(404, "id", "device " + id + " is not recorded by this server; GET /devices lists them");
        }
        return id;
    }

    /** The {@code from} and {@code to} query parameters, both required, as epoch milliseconds. */
    static long[] range(Context ctx) {
        long from = time(ctx, "from");
        long to = time(ctx, "to");
        if (to < from) {
            throw ApiError.badField("to", "to (" + ctx.queryParam("to") + ") is before from (" + ctx.queryParam("from") + ")");
        }
        if (to - from > MAX_RANGE_MILLIS) {
            throw ApiError.badField("to", "a playback range is at most 24 hours; ask for it day by day");
        }
        return new long[] {from, to};
    }

    static long time(Context ctx, String param) {
        String v = ctx.queryParam(param);
        if (v == null || v.isBlank()) {
            throw ApiError.badField(param, "query parameter '" + param + "' is required, e.g. " + param
                    + "=2026-12-07T14:00:00Z (or milliseconds since 1970)");
        }
        try {
            return v.matches("[0-9]{1,15}") ? Long.parseLong(v) : Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiError.badField(param, "'" + v + "' is not a time; write it as 2026-12-07T14:00:00Z"
                    + " or as milliseconds since 1970");
        }
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(ManagementClient.MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an answer", e);
        }
    }

    private static void error(Context ctx, int status, String field, String message) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("error", message);
        if (field != null) {
            e.put("field", field);
        }
        json(ctx, status, e);
    }

    @Override
    public void close() {
        failover.close();
        app.stop();
    }
}
