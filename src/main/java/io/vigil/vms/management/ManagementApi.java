package io.vigil.vms.management;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A small client of the management server's REST API, for tests, benchmarks and the demo: log in
 * once, then call the API with the session token. The token lives in the replicated database, so
 * the same client keeps working through a failover; callers retry on {@link IOException} (the
 * cluster address does not answer while the services move).
 *
 * <p>Every failure is an {@link IOException} whose message names the request and the server's
 * answer; the password never appears in one.
 */
public final class ManagementApi {
    private final HttpClient http;
    private final URI base;
    private final Duration timeout;
    private final String user;
    private final String token;

    /** An answer: status, body as JSON (null when empty or not JSON), body as text. */
    public record Reply(int status, JsonNode body, String text) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private ManagementApi(HttpClient http, URI base, Duration timeout, String user, String token) {
        this.http = http;
        this.base = base;
        this.timeout = timeout;
        this.user = user;
        this.token = token;
    }

    /**
     * Logs in at {@code base} (e.g. {@code http://10.0.0.10:8100}, the cluster address).
     *
     * @throws IOException when the server cannot be reached or refuses the login (message says which)
     */
    public static ManagementApi login(URI base, String user, String password, Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        ManagementApi anonymous = new ManagementApi(http, base, timeout, user, null);
        Reply r = anonymous.call("POST", "/api/login", Json.write(Map.of("user", user, "password", password)), null);
        if (r.status() != 200 || r.body() == null || !r.body().hasNonNull("token")) {
            throw new IOException("login as '" + user + "' at " + base + " refused (" + r.status() + "): "
                    + message(r));
        }
        return new ManagementApi(http, base, timeout, user, r.body().get("token").asText());
    }

    /**
     * The same session at another server of the VMS (the event or the log server): they share the
     * management server's accounts and sessions through the database.
     */
    public ManagementApi at(URI otherBase) {
        return new ManagementApi(http, otherBase, timeout, user, token);
    }

    public String user() {
        return user;
    }

    public URI base() {
        return base;
    }

    public Reply get(String path) throws IOException {
        return call("GET", path, null, null);
    }

    /** A change; {@code idempotencyKey} (may be null) makes a retry after a lost answer safe. */
    public Reply send(String method, String path, Object body, String idempotencyKey) throws IOException {
        return call(method, path, body == null ? null : Json.write(body), idempotencyKey);
    }

    /** Registers (or replaces) the service {@code name}: one configuration object, audited. */
    public Reply putService(String name, String address, int port) throws IOException {
        return send("PUT", "/api/services/" + name, Map.of("address", address, "port", port), null);
    }

    /** The registered service {@code name} ({"name","address","port"}), or null when there is none. */
    public JsonNode service(String name) throws IOException {
        Reply r = expect(get("/api/services"), 200, "GET /api/services");
        for (JsonNode s : r.body()) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        return null;
    }

    /** The node the server says it runs on ({@code /health}), e.g. "node2". */
    public String servedBy() throws IOException {
        return expect(call("GET", "/health", null, null), 200, "GET /health").body().path("node").asText();
    }

    /** {@code r} when its status is {@code status}, else an IOException naming {@code what} and the answer. */
    public static Reply expect(Reply r, int status, String what) throws IOException {
        if (r.status() != status) {
            throw new IOException(what + " answered " + r.status() + " (expected " + status + "): " + message(r));
        }
        return r;
    }

    private Reply call(String method, String path, String body, String idempotencyKey) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(method + " " + path + " interrupted", e);
        } catch (IOException e) {
            throw new IOException("cannot reach " + base + " (" + method + " " + path + ": "
                    + e.getClass().getSimpleName() + ")", e);
        }
        return new Reply(r.statusCode(), parse(r.body()), r.body());
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return null; // not JSON (a proxy's error page): the text stays in the Reply
        }
    }

    private static String message(Reply r) {
        if (r.body() != null && r.body().hasNonNull("error")) {
            return r.body().get("error").asText();
        }
        String t = r.text() == null ? "" : r.text();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
