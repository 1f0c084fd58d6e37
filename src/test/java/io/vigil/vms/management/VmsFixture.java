package io.vigil.vms.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.replication.TestPostgres;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;

/**
 * A real PostgreSQL with the VMS schema and a management server on it, for the tests of the
 * servers that share its database and logins (event and log servers).
 */
public final class VmsFixture implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "fixture-admin-Pw4";
    public static final HttpClient HTTP = HttpClient.newHttpClient();
    public final TestPostgres db;
    public final Store store;
    public final ManagementServer management;

    /** A reply: status and JSON body (null when empty). */
    public record Reply(int status, JsonNode body, String text) {
    }

    public VmsFixture(String name) throws Exception {
        db = TestPostgres.start(name);
        store = Store.open(db.jdbcUrl(), TestPostgres.APP.user(), TestPostgres.APP.password(), 4);
        store.migrate();
        management = ManagementServer.start(store, Clock.systemUTC(), "node1", "127.0.0.1", 0);
        management.bootstrapAdministrator(ADMIN_PASSWORD);
    }

    public static Reply call(int port, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body()), r.body());
    }

    public String login(String user, String password) throws Exception {
        Reply r = call(management.port(), "POST", "/api/login", null,
                "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        if (r.status() != 200) {
            throw new AssertionError("login of " + user + " failed: " + r.text());
        }
        return r.body().get("token").asText();
    }

    /** Creates a user with {@code role} through the API and returns a session token of theirs. */
    public String user(String name, String role) throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        String password = name + "-password-1";
        Reply r = call(management.port(), "POST", "/api/users", admin,
                "{\"name\":\"" + name + "\",\"password\":\"" + password + "\",\"role\":\"" + role + "\"}");
        if (r.status() != 201) {
            throw new AssertionError("creating " + name + " failed: " + r.text());
        }
        return login(name, password);
    }

    @Override
    public void close() throws Exception {
        management.close();
        store.close();
        db.close();
    }
}
