package io.vigil.vms.management;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordinator's calls to the failover and recording servers, with its bearer token. A call
 * that fails is logged and not retried here: the coordinator's next round sees what the failover
 * server reports and tells it again.
 */
final class FailoverCommands {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverCommands.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String token;
    private String lastFailure;

    FailoverCommands(String token) {
        this.token = token;
    }

    /** Tells the failover server at {@code base} to cover a recording server ({@link FailoverLedger#coverOrder}). */
    boolean cover(URI base, Map<String, Object> order) {
        return send(base, "PUT", "/failover/cover", Json.write(order));
    }

    boolean handBack(URI base) {
        return send(base, "DELETE", "/failover/cover", null);
    }

    /**
     * Asks the recording server that is back to merge what the failover server recorded for it
     * ({@code POST /api/merge {source, devices, from, to}} of the merge-back, issue 14): the merge
     * is triggered here and only here. A recording server without that route answers 404, one
     * that does not take this call's token 401/403, and the video stays on the failover server,
     * where playback finds it.
     */
    boolean startMerge(URI recordingServer, URI failoverServer, List<Long> devices, long fromMillis, long toMillis) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", failoverServer.toString());
        body.put("devices", devices);
        body.put("from", Instant.ofEpochMilli(fromMillis).toString());
        body.put("to", Instant.ofEpochMilli(toMillis).toString());
        return send(recordingServer, "POST", "/api/merge", Json.write(body));
    }

    private boolean send(URI base, String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        String failure;
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                LOG.info("failover: {} {}{} done", method, base, path.substring(1));
                lastFailure = null;
                return true;
            }
            failure = method + " " + base + path.substring(1) + " answered " + r.statusCode() + ": "
                    + (r.body().length() > 300 ? r.body().substring(0, 300) : r.body());
        } catch (IOException e) {
            failure = method + " " + base + path.substring(1) + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!failure.equals(lastFailure)) { // a failure repeated every round is logged once
            LOG.warn("failover: {}", failure);
        }
        lastFailure = failure;
        return false;
    }
}
