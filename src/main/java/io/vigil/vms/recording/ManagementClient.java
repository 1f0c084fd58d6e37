package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads this recording server's configuration from the management server (through the cluster
 * address): log in, find the recording server by name, read its devices. The session token is
 * kept; when the management server refuses it (expired, or the server was reinstalled) the client
 * logs in again once and repeats the request.
 */
final class ManagementClient {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The recording server's own entry and its devices, as last read. */
    record Snapshot(long serverId, String name, boolean enabled, List<DeviceConfig> devices) {
    }

    /** The management server answered, but not with a usable configuration. */
    static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final URI base;
    private final String user;
    private final String password;
    private volatile String token;
    private volatile int logins;

    ManagementClient(URI base, String user, String password) {
        this.base = base;
        this.user = user;
        this.password = password;
    }

    Snapshot fetch(String name) throws IOException, InterruptedException {
        JsonNode servers = get("/api/recording-servers");
        for (JsonNode s : servers) {
            if (name.equals(s.path("name").asText())) {
                long id = s.path("id").asLong();
                JsonNode devices = get("/api/recording-servers/" + id + "/devices");
                List<DeviceConfig> list = MAPPER.convertValue(devices,
                        MAPPER.getTypeFactory().constructCollectionType(List.class, DeviceConfig.class));
                return new Snapshot(id, name, s.path("enabled").asBoolean(true), list);
            }
        }
        throw new Refused("the management server has no recording server named '" + name
                + "'; create it there (POST /api/recording-servers) or start this one with its --name");
    }

    /** How many times this client has logged in (a new login follows a refused token). */
    int logins() {
        return logins;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        if (token == null) {
            login();
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve(path)).GET()
                .header("Authorization", "Bearer " + token));
        if (r.statusCode() == 401) {
            login();
            r = send(HttpRequest.newBuilder(base.resolve(path)).GET().header("Authorization", "Bearer " + token));
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + brief(r.body()));
        }
        return MAPPER.readTree(r.body());
    }

    private void login() throws IOException, InterruptedException {
        token = null;
        String body = MAPPER.writeValueAsString(Map.of("user", user, "password", password));
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
        if (r.statusCode() != 200) {
            // the body says why (bad password, too many attempts); it never echoes the password
            throw new Refused("login as '" + user + "' refused (" + r.statusCode() + "): " + brief(r.body()));
        }
        token = MAPPER.readTree(r.body()).path("token").asText(null);
        logins++;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String brief(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
