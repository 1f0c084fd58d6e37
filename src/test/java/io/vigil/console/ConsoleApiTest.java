package io.vigil.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST API over real HTTP against a real node daemon (issue 5 "API" tests): login, CSRF,
 * rate limiting, escaping, and each endpoint doing what the OpenAPI document says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest {

    private OneNode node;

    @BeforeAll
    void startNode() throws Exception {
        node = OneNode.start(Path.of("target/console-api").toAbsolutePath());
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private ApiClient anonymous() {
        return new ApiClient(node.base);
    }

    private ApiClient admin() throws Exception {
        return new ApiClient(node.base).login(node.password);
    }

    /** Every (method, concrete path) of the OpenAPI document, templates filled with harmless values. */
    private List<Map.Entry<String, String>> documentedEndpoints() throws Exception {
        JsonNode doc = anonymous().json("/api/openapi.json");
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            String path = p.getKey().replace("{id}", "1").replace("{name}", "failover-off").replace("{log}", "module");
            p.getValue().fieldNames().forEachRemaining(m -> out.add(Map.entry(m.toUpperCase(), path)));
        }
        return out;
    }

    @Test
    void theOpenApiDocumentIsServedWithoutLoginAndListsEveryEndpoint() throws Exception {
        HttpResponse<String> r = anonymous().get("/api/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = ApiClient.JSON.readTree(r.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("paths").has("/api/nodes/{id}/commands/{name}")).isTrue();
        assertThat(documentedEndpoints()).hasSizeGreaterThanOrEqualTo(11);
    }

    @Test
    void everyEndpointButLoginAndOpenApiRefusesWithoutLogin() throws Exception {
        for (Map.Entry<String, String> e : documentedEndpoints()) {
            HttpResponse<String> r = anonymous().send(e.getKey(), e.getValue());
            if (e.getValue().equals("/api/openapi.json")) {
                assertThat(r.statusCode()).as(e.toString()).isEqualTo(200);
            } else if (e.getValue().equals("/api/login")) {
                assertThat(r.statusCode()).as(e.toString()).isEqualTo(400); // empty body: no credentials
            } else {
                assertThat(r.statusCode()).as(e.toString()).isEqualTo(401);
                assertThat(r.body()).contains("login-required");
            }
        }
        // A stolen-looking cookie is no better than none.
        ApiClient forged = anonymous();
        forged.cookie = Sessions.COOKIE + "=not-a-session";
        assertThat(forged.get("/api/cluster").statusCode()).isEqualTo(401);
    }

    @Test
    void everyStateChangingRequestWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        ApiClient admin = admin();
        boolean failoverBefore = failoverEnabled(admin);
        for (Map.Entry<String, String> e : documentedEndpoints()) {
            if (!e.getKey().equals("POST") || e.getValue().equals("/api/login")) {
                continue;
            }
            assertThat(admin.post(e.getValue(), "", false).statusCode()).as(e.toString()).isEqualTo(403);
            String real = admin.csrf;
            admin.csrf = "wrong" + real;
            assertThat(admin.post(e.getValue(), "", true).statusCode()).as(e.toString()).isEqualTo(403);
            admin.csrf = real;
        }
        assertThat(failoverEnabled(admin)).isEqualTo(failoverBefore);
        assertThat(admin.get("/api/session").statusCode()).as("logout without token must not log out").isEqualTo(200);
    }

    @Test
    void loginSetsAStrictHttpOnlySessionCookieAndReturnsTheCsrfToken() throws Exception {
        HttpResponse<String> r = anonymous().post("/api/login",
                "{\"user\":\"admin\",\"password\":\"" + node.password + "\"}", false);
        assertThat(r.statusCode()).isEqualTo(200);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(Sessions.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/");
        assertThat(ApiClient.JSON.readTree(r.body()).get("csrfToken").asText()).hasSizeGreaterThan(20);
        assertThat(r.body()).doesNotContain(node.password);
    }

    @Test
    void wrongPasswordsAreRateLimitedPerAddressAndLoggedWithoutThePassword() throws Exception {
        String guess = "guess-" + System.nanoTime();
        String attacker = "127.0.0.77";
        Raw first = Raw.login(attacker, node.base, "{\"user\":\"admin\",\"password\":\"" + guess + "\"}");
        assertThat(first.status).isEqualTo(401);
        Raw second = Raw.login(attacker, node.base, "{\"user\":\"admin\",\"password\":\"" + node.password + "\"}");
        assertThat(second.status).as("even the right password waits out the back-off").isEqualTo(429);
        assertThat(Long.parseLong(second.header("Retry-After"))).isBetween(1L, 2L);
        Raw third = Raw.login(attacker, node.base, "{\"user\":\"admin\",\"password\":\"" + guess + "\"}");
        assertThat(third.status).isEqualTo(429);
        // Another address is not punished for the attacker's guesses.
        assertThat(Raw.login("127.0.0.78", node.base, "{\"user\":\"admin\",\"password\":\"" + node.password + "\"}")
                .status).isEqualTo(200);
        await("back-off over").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250)).until(() ->
                Raw.login(attacker, node.base, "{\"user\":\"admin\",\"password\":\"" + guess + "\"}").status == 401);
        Raw longer = Raw.login(attacker, node.base, "{\"user\":\"admin\",\"password\":\"" + node.password + "\"}");
        assertThat(longer.status).isEqualTo(429);
        assertThat(Long.parseLong(longer.header("Retry-After"))).as("second failure doubles the wait").isBetween(2L, 3L);
        String log = node.moduleLog();
        assertThat(log).contains("failed login (wrong password) from " + attacker);
        assertThat(log).doesNotContain(guess).doesNotContain(node.password);
    }

    @Test
    void noEndpointReflectsUnescapedInput() throws Exception {
        ApiClient admin = admin();
        String evil = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
        List<HttpResponse<String>> answers = new ArrayList<>(List.of(
                admin.get("/api/nodes/" + evil + "/logs/module"),
                admin.get("/api/nodes/1/logs/" + evil),
                admin.get("/api/nodes/1/logs/module?limit=" + evil),
                admin.get("/api/" + evil),
                admin.get("/" + evil),
                admin.get("/api/nodes/" + evil + "/snapshot"),
                admin.post("/api/nodes/1/commands/" + evil, "", true),
                admin.post("/api/nodes/1/commands/failover", "{\"arg\":\"<script>alert(1)</script>\"}", true),
                admin.post("/api/cluster/commands/boot", "{\"arg\":\"<img src=x onerror=alert(1)>\"}", true),
                anonymous().post("/api/login", "<script>alert(1)</script>", false)));
        for (HttpResponse<String> r : answers) {
            assertThat(r.statusCode()).as(r.uri().toString()).isBetween(400, 499);
            assertThat(r.body()).as(r.uri() + " answered " + r.body()).doesNotContain("<").doesNotContain(">");
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        // A failed login from its own address, so the other tests' logins are not slowed down.
        Raw login = Raw.login("127.0.0.79", node.base, "{\"user\":\"<script>alert(1)</script>\",\"password\":\"x\"}");
        assertThat(login.status).isEqualTo(401);
        assertThat(login.body).doesNotContain("<");
        // The messages still say what was wrong, escaped.
        assertThat(answers.get(7).body()).contains("\\u003Cscript\\u003E");
    }

    @Test
    void theClusterViewShowsThisNodeAndThePeerAsUnreachable() throws Exception {
        JsonNode c = admin().json("/api/cluster");
        assertThat(c.get("clusterName").asText()).isEqualTo("apitest");
        assertThat(c.get("consoleNode").asInt()).isEqualTo(1);
        JsonNode n1 = c.get("nodes").get(0);
        JsonNode n2 = c.get("nodes").get(1);
        assertThat(n1.get("reachable").asBoolean()).isTrue();
        assertThat(n1.at("/status/node/state").asText()).isIn("WAIT", "ALONE", "STOP", "PRIM", "SECOND");
        assertThat(n1.at("/status/hostName").asText()).isEqualTo("node1");
        assertThat(n2.get("reachable").asBoolean()).isFalse();
        assertThat(n2.get("error").asText()).contains("cannot reach the vigil admin channel");
        assertThat(n2.at("/actions/stop/enabled").asBoolean()).isFalse();
        assertThat(n2.at("/actions/stop/reason").asText()).isEqualTo("reason.unreachable");
        assertThat(n1.at("/actions/swap/reason").asText()).isEqualTo("reason.peerUnreachable");
    }

    @Test
    void estimatingADataSyncSaysWhyItCannotBeMeasuredHereOrThereAndMovesNothing() throws Exception {
        ApiClient admin = admin();
        HttpResponse<String> local = admin.get("/api/nodes/1/estimate");
        assertThat(local.statusCode()).isEqualTo(409);
        assertThat(local.body()).contains("no replicated database is configured");
        HttpResponse<String> peer = admin.get("/api/nodes/2/estimate");
        assertThat(peer.statusCode()).isEqualTo(502);
        assertThat(peer.body()).contains("cannot reach the vigil admin channel");
    }

    @Test
    void aCommandGoesThroughTheNodeAndIntoItsCommandsLog() throws Exception {
        ApiClient admin = admin();
        HttpResponse<String> off = admin.post("/api/nodes/1/commands/failover-off", "", true);
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(ApiClient.JSON.readTree(off.body()).get("accepted").asBoolean()).isTrue();
        assertThat(failoverEnabled(admin)).isFalse();
        HttpResponse<String> on = admin.post("/api/nodes/1/commands/failover", "{\"arg\":\"on\"}", true);
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(failoverEnabled(admin)).isTrue();
        JsonNode log = admin.json("/api/nodes/1/logs/commands?limit=10");
        assertThat(log.get("lines").toString()).contains("failover off").contains("failover on")
                .contains("admin (console, 127.0.0.1)");
        HttpResponse<String> peer = admin.post("/api/nodes/2/commands/stop", "", true);
        assertThat(peer.statusCode()).isEqualTo(502);
        assertThat(peer.body()).contains("node-unreachable");
        HttpResponse<String> bad = admin.post("/api/nodes/1/commands/failover", "{\"arg\":\"maybe\"}", true);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("expected one of [on, off]");
    }

    @Test
    void theEventStreamPushesAChangeWithoutBeingAsked() throws Exception {
        ApiClient admin = admin();
        List<String> frames = new CopyOnWriteArrayList<>();
        HttpRequest req = admin.builder("/api/events").GET().build();
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> {
            try {
                stream.body().filter(l -> l.startsWith("data: ")).forEach(frames::add);
            } catch (java.io.UncheckedIOException closedByTheTest) {
                // the stream is closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            await("first frame").atMost(Duration.ofSeconds(5)).until(() -> !frames.isEmpty());
            boolean before = failoverEnabled(admin);
            String want = "\"failoverEnabled\":" + !before;
            int seen = frames.size();
            admin.post("/api/nodes/1/commands/failover-" + (before ? "off" : "on"), "", true);
            await("pushed change").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> frames.subList(seen, frames.size()).stream().anyMatch(f -> f.contains(want)));
            admin.post("/api/nodes/1/commands/failover-on", "", true);
        } finally {
            stream.body().close();
        }
    }

    @Test
    void logsArePagedFilteredAndDownloadable() throws Exception {
        ApiClient admin = admin();
        JsonNode verbose = admin.json("/api/nodes/1/logs/module?verbose=true&limit=5");
        assertThat(verbose.get("lines").size()).isBetween(1, 5);
        JsonNode errorsOnly = admin.json("/api/nodes/1/logs/module?limit=500");
        errorsOnly.get("lines").forEach(l -> assertThat(l.asText()).contains(" E "));
        HttpResponse<String> file = admin.get("/api/nodes/1/logs/module?verbose=true&download=true");
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Disposition").orElse("")).contains("node1-module.log");
        assertThat(file.body()).contains("vigil node 1 of cluster apitest starting");
        assertThat(admin.get("/api/nodes/1/logs/module?limit=0").statusCode()).isEqualTo(400);
        assertThat(admin.get("/api/nodes/3/logs/module").statusCode()).isEqualTo(404);
    }

    @Test
    void theSnapshotIsAZipWithADumpFolderAndNoSecret() throws Exception {
        ApiClient admin = admin();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(admin.builder("/api/nodes/1/snapshot").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/zip");
        List<String> names = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                names.add(e.getName());
                all.append(new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(names).anyMatch(n -> n.matches("dump_\\d{8}_\\d{6}/module\\.log"))
                .anyMatch(n -> n.endsWith("/status.json")).anyMatch(n -> n.endsWith("/configuration.yaml"));
        assertThat(all.toString()).doesNotContain(node.password).contains("<redacted>");
    }

    @Test
    void metricsAreInPrometheusFormatForTheSessionOrBasicAuth() throws Exception {
        String text = admin().get("/api/metrics").body();
        assertThat(text).contains("# TYPE vigil_node_state gauge").contains("vigil_node_reachable{node=\"node2\"} 0")
                .contains("vigil_node_reachable{node=\"node1\"} 1").contains("vigil_failovers_recent{node=\"node1\"}");
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.base + "/api/metrics")).header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("admin:" + node.password).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("vigil_node_state{node=\"node1\"");
    }

    @Test
    void logoutEndsTheSession() throws Exception {
        ApiClient admin = admin();
        assertThat(admin.post("/api/logout", "", true).statusCode()).isEqualTo(200);
        assertThat(admin.get("/api/cluster").statusCode()).isEqualTo(401);
    }

    @Test
    void theConsolePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = anonymous().get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("http://").doesNotContain("https://");
        assertThat(anonymous().get("/static/console.js").statusCode()).isEqualTo(200);
        assertThat(anonymous().get("/static/i18n/ja.json").statusCode()).isEqualTo(200);
        assertThat(anonymous().get("/static/../node1.yaml").statusCode()).isEqualTo(404);
    }

    private static boolean failoverEnabled(ApiClient admin) throws Exception {
        return admin.json("/api/cluster").at("/nodes/0/status/node/failoverEnabled").asBoolean();
    }

    /** One HTTP request over a socket bound to a chosen loopback source address (127.0.0.0/8 all works). */
    private record Raw(int status, String head, String body) {
        static Raw login(String source, String base, String body) throws IOException {
            URI u = URI.create(base);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(source, 0));
                s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 2000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("POST /api/login HTTP/1.1\r\nHost: " + u.getHost() + "\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b);
                out.flush();
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                int end = answer.indexOf("\r\n\r\n");
                String head = answer.substring(0, Math.max(0, end));
                return new Raw(Integer.parseInt(head.split(" ")[1]), head, end < 0 ? "" : answer.substring(end + 4));
            }
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int c = line.indexOf(':');
                if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                    return line.substring(c + 1).trim();
                }
            }
            throw new AssertionError("no " + name + " header in " + head);
        }
    }
}
