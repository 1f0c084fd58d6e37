package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A failover server's recordings read over its HTTP API: {@code GET /devices/{id}/segments},
 * {@code GET /devices/{id}/segments/{first}?offset=} and playback. Sends the coordinator's token when
 * this server has one (every watched server of a site knows it, and the failover server's
 * {@code /devices} routes take it), else this server's own API token (the servers of one site share it). Every read has a deadline, so a source whose link died is
 * noticed and retried, not waited on for ever.
 */
final class HttpMergeSource implements MergeSource {
    static final int CONNECT_MILLIS = 5_000;
    static final int READ_MILLIS = 30_000;

    private final URI base;
    private final byte[] token;

    HttpMergeSource(URI base, byte[] token) {
        this.base = base;
        this.token = token;
    }

    @Override
    public List<SegmentInfo> segments(long deviceId, long fromMillis, long toMillis) throws IOException {
        HttpURLConnection c = open("devices/" + deviceId + "/segments?from=" + fromMillis + "&to=" + toMillis);
        if (c.getResponseCode() == 404) {
            c.disconnect();
            return List.of(); // the source never recorded the device
        }
        JsonNode body;
        try (InputStream in = ok(c)) {
            body = ManagementClient.MAPPER.readTree(in);
        }
        List<SegmentInfo> out = new ArrayList<>();
        for (JsonNode s : body.path("segments")) {
            out.add(new SegmentInfo(Path.of(s.path("firstSeq").asText()), s.path("firstSeq").asLong(),
                    s.path("lastSeq").asLong(), s.path("firstMillis").asLong(), s.path("lastMillis").asLong(),
                    s.path("frames").asLong(), s.path("bytes").asLong()));
        }
        return out;
    }

    @Override
    public InputStream segment(long deviceId, long firstSeq, long offset) throws IOException {
        return ok(open("devices/" + deviceId + "/segments/" + firstSeq + "?offset=" + offset));
    }

    @Override
    public InputStream playback(long deviceId, long fromMillis, long toMillis) throws IOException {
        HttpURLConnection c = open("devices/" + deviceId + "/playback/frames?from=" + fromMillis + "&to=" + toMillis);
        if (c.getResponseCode() == 404) {
            c.disconnect();
            return InputStream.nullInputStream();
        }
        return ok(c);
    }

    @Override
    public String describe() {
        return base.toString();
    }

    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection();
        c.setConnectTimeout(CONNECT_MILLIS);
        c.setReadTimeout(READ_MILLIS);
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + new String(token, StandardCharsets.UTF_8));
        }
        return c;
    }

    private InputStream ok(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        if (status != 200) {
            String why;
            try (InputStream e = c.getErrorStream()) {
                why = e == null ? "" : new String(e.readNBytes(2000), StandardCharsets.UTF_8);
            }
            throw new IOException(base + " answered " + status + " to " + c.getURL().getPath() + ": " + why);
        }
        return new BufferedInputStream(c.getInputStream(), 1 << 16);
    }
}
