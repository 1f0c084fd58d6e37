package io.vigil.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.EventsSection;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Posts events to the VMS event server: logs in at the management server (role reporter), keeps
 * the session token, logs in again when it is refused. Every failure is an {@link IOException}
 * whose message says what went wrong, for the node's log; the caller retries.
 */
final class EventServerClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final EventsSection config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private String token;

    EventServerClient(EventsSection config) {
        this.config = config;
    }

    /** Delivers {@code events}; returns normally only when the server stored (or already had) every one. */
    void deliver(List<ClusterEvent> events) throws IOException, InterruptedException {
        if (token == null) {
            token = login();
        }
        HttpResponse<String> r = post(config.url().resolve("/api/events"), JSON.writeValueAsString(events), token);
        if (r.statusCode() == 401) {
            token = login();
            r = post(config.url().resolve("/api/events"), JSON.writeValueAsString(events), token);
        }
        if (r.statusCode() != 200) {
            throw new IOException("the event server at " + config.url() + " answered " + r.statusCode() + ": "
                    + message(r));
        }
    }

    private String login() throws IOException, InterruptedException {
        String password = Files.readString(config.passwordFile(), StandardCharsets.UTF_8).strip();
        HttpResponse<String> r = post(config.loginUrl().resolve("/api/login"),
                JSON.writeValueAsString(Map.of("user", config.user(), "password", password)), null);
        if (r.statusCode() != 200) {
            throw new IOException("cannot log in as '" + config.user() + "' at " + config.loginUrl() + " (" + r.statusCode()
                    + ": " + message(r) + ")" + (r.statusCode() == 401 ? "; check events.user and events.passwordFile" : ""));
        }
        return JSON.readTree(r.body()).path("token").asText();
    }

    private HttpResponse<String> post(URI uri, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach " + uri.getScheme() + "://" + uri.getAuthority() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    private static String message(HttpResponse<String> r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            return n.path("error").asText(r.body());
        } catch (IOException e) {
            return r.body().length() > 200 ? r.body().substring(0, 200) : r.body();
        }
    }
}
