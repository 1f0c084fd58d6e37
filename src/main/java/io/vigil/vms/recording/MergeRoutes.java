package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.vigil.vms.management.ApiError;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge's HTTP routes (issue 14), behind the same token as the others; starting a merge also
 * takes the coordinator's token, and never goes without one (see RecordingHttp). On the recording
 * server: {@code POST /api/merge} starts (or continues) a merge, {@code GET /api/merge} shows it. On
 * the failover server, what a merge reads: {@code GET /devices/{id}/segments?from=&to=} lists the
 * segments overlapping the range, {@code GET /devices/{id}/segments/{first}?offset=} sends one
 * segment's whole frames from a byte offset (where an interrupted merge stopped).
 */
final class MergeRoutes {
    static final int MAX_DEVICES = 10_000;

    private final RecordingServer server;

    MergeRoutes(RecordingServer server) {
        this.server = server;
    }

    void register(RoutesConfig r) {
        r.get("/devices/{id}/segments", this::list);
        r.get("/devices/{id}/segments/{first}", this::segment);
        r.post("/api/merge", this::start);
        r.get("/api/merge", ctx -> {
            Map<String, Object> p = server.merger().progress();
            if (p == null) {
                throw new ApiError(404, null, "no merge has run on this server; POST /api/merge starts one");
            }
            RecordingHttp.json(ctx, 200, p);
        });
    }

    private void start(Context ctx) throws IOException {
        JsonNode b;
        try {
            b = ManagementClient.MAPPER.readTree(ctx.body());
        } catch (IOException e) {
            throw ApiError.badField(null, "the body is not JSON: send {\"source\": \"http://FAILOVER:7563/\","
                    + " \"devices\": [ids], \"from\": TIME, \"to\": TIME}");
        }
        if (b == null || !b.isObject()) {
            throw ApiError.badField(null, "the body must be a JSON object {source, devices, from, to}");
        }
        RecordingHttp.json(ctx, 202, server.merger().start(job(b)));
    }

    static MergeJournal.Job job(JsonNode b) {
        String source = b.path("source").asText("");
        URI uri;
        try {
            uri = URI.create(source.endsWith("/") ? source : source + "/");
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw ApiError.badField("source", "'" + source + "' is not the failover server's base URL; write it as"
                    + " http://HOST:7563/");
        }
        JsonNode ds = b.path("devices");
        if (!ds.isArray() || ds.isEmpty() || ds.size() > MAX_DEVICES) {
            throw ApiError.badField("devices", "devices must be a list of 1 to " + MAX_DEVICES + " device ids");
        }
        List<Long> devices = new ArrayList<>();
        for (JsonNode d : ds) {
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() <= 0) {
                throw ApiError.badField("devices", "'" + d + "' is not a device id (a positive number)");
            }
            if (!devices.contains(d.asLong())) {
                devices.add(d.asLong());
            }
        }
        long from = time(b, "from");
        long to = time(b, "to");
        if (to < from) {
            throw ApiError.badField("to", "to (" + b.path("to") + ") is before from (" + b.path("from") + ")");
        }
        return new MergeJournal.Job(uri.toString(), List.copyOf(devices), from, to);
    }

    private static long time(JsonNode b, String field) {
        JsonNode v = b.path(field);
        try {
            if (v.isIntegralNumber()) {
                return v.asLong();
            }
            if (v.isTextual()) {
                return java.time.Instant.parse(v.asText()).toEpochMilli();
            }
        } catch (java.time.format.DateTimeParseException e) {
            // answered below
        }
        throw ApiError.badField(field, "'" + field + "' must be a time: 2026-12-07T14:00:00Z or milliseconds since 1970");
    }

    private long recordedDevice(Context ctx) {
        String v = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiError.badField("id", "'" + v + "' is not a device id (a positive number)");
        }
        if (!server.store().has(id)) {
            throw new ApiError(404, "id", "device " + id + " has no recordings on this server");
        }
        return id;
    }

    private void list(Context ctx) throws IOException {
        long id = recordedDevice(ctx);
        long from = RecordingHttp.time(ctx, "from");
        long to = RecordingHttp.time(ctx, "to");
        List<Map<String, Object>> out = new ArrayList<>();
        for (SegmentInfo s : server.store().segments(id)) {
            if (s.overlaps(from, to)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("firstSeq", s.firstSeq());
                m.put("lastSeq", s.lastSeq());
                m.put("firstMillis", s.firstMillis());
                m.put("lastMillis", s.lastMillis());
                m.put("frames", s.frames());
                m.put("bytes", s.bytes());
                out.add(m);
            }
        }
        RecordingHttp.json(ctx, 200, Map.of("device", id, "segments", out));
    }

    private void segment(Context ctx) throws IOException {
        long id = recordedDevice(ctx);
        String first = ctx.pathParam("first");
        SegmentInfo seg = null;
        for (SegmentInfo s : server.store().segments(id)) {
            if (Long.toString(s.firstSeq()).equals(first)) {
                seg = s;
            }
        }
        if (seg == null) {
            throw new ApiError(404, "first", "device " + id + " has no segment starting at frame " + first
                    + "; GET /devices/" + id + "/segments lists them");
        }
        String o = ctx.queryParam("offset");
        long offset = o == null ? 0 : o.matches("[0-9]{1,18}") ? Long.parseLong(o) : -1;
        if (offset < 0 || offset > seg.bytes()) {
            throw ApiError.badField("offset", "offset must be a byte offset from 0 to " + seg.bytes());
        }
        try (FileChannel ch = FileChannel.open(seg.file(), StandardOpenOption.READ)) {
            long n = seg.bytes() - offset; // whole frames only: never the part of a frame being written
            ctx.status(200).contentType("application/x-vigil-frames").header("Content-Length", Long.toString(n));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20); // large writes: the merge's speed is the copy's (bench/merge)
            try (OutputStream out = ctx.outputStream()) {
                for (long pos = offset, end = seg.bytes(); pos < end; ) {
                    buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                    int r = ch.read(buf, pos);
                    if (r < 0) {
                        break; // cut by a restart's repair meanwhile: the merge sees a short answer
                    }
                    out.write(buf.array(), 0, r);
                    pos += r;
                }
            }
        } catch (NoSuchFileException e) {
            throw new ApiError(410, "first", "segment " + first + " of device " + id + " was deleted by retention");
        }
    }
}
