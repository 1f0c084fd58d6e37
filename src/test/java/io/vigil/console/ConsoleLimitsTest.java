package io.vigil.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What one outsider can make the console spend (issue 10 item 3), over real HTTP against a real
 * node daemon: a slow client is cut off, oversized requests are refused before they are read,
 * parallel guesses from one address run one password hash, and the metrics token opens the
 * metrics and nothing else (item 8).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleLimitsTest {

    private static final String TOKEN = "scrape-token-0123456789abcdef0123456789abcdef";
    private OneNode node;

    @BeforeAll
    void startNode() throws Exception {
        Path dir = Path.of("target/console-limits").toAbsolutePath();
        io.vigil.demo.LocalCluster.deleteTree(dir);
        Files.createDirectories(dir);
        Path token = dir.resolve("metrics-token");
        Files.writeString(token, TOKEN + "\n");
        node = OneNode.start(dir.resolve("node"), "  metricsTokenFile: " + token + "\n", "http",
                OneNode.freeTcp(), null);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aClientThatSendsItsHeadersAByteASecondIsCutOffAtTheDeadline() throws Exception {
        long before = metric("vigil_console_slow_clients_closed_total");
        long start = System.nanoTime();
        try (Socket s = RawHttp.connect("127.0.0.1", node.base, 2000)) {
            OutputStream out = s.getOutputStream();
            byte[] request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            int[] sent = {0};
            // The JDK server this replaced kept such a connection (and a thread) open for ever.
            await("the node closes the trickling connection").atMost(Duration.ofSeconds(25))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        try {
                            out.write(sent[0] < request.length ? request[sent[0]] : 'a');
                            out.flush();
                            sent[0]++;
                            return false;
                        } catch (java.io.IOException closed) {
                            return true;
                        }
                    });
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before the deadline")
                .isGreaterThanOrEqualTo(Duration.ofMillis(ConsoleHttp.CLIENT_DEADLINE_MS));
        assertThat(metric("vigil_console_slow_clients_closed_total")).isGreaterThan(before);
    }

    @Test
    void oneAddressHoldsAtMostItsShareOfTheConnections() throws Exception {
        int extra = 8;
        long before = metric("vigil_console_connections_refused_total");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < ConsoleHttp.MAX_PER_ADDRESS + extra; i++) {
                sockets.add(RawHttp.connect("127.0.0.93", node.base, 2000));
            }
            await("the connections over the share are closed").atMost(Duration.ofSeconds(5))
                    .until(() -> metric("vigil_console_connections_refused_total") - before == extra);
            int answered = 0;
            int closed = 0;
            for (Socket s : sockets) {
                s.setSoTimeout(5000);
                try {
                    s.getOutputStream().write("GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    RawHttp r = RawHttp.parse(s.getInputStream());
                    assertThat(r.status()).isEqualTo(200);
                    answered++;
                } catch (java.io.IOException refused) {
                    closed++;
                }
            }
            assertThat(answered).isEqualTo(ConsoleHttp.MAX_PER_ADDRESS);
            assertThat(closed).isEqualTo(extra);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertThat(RawHttp.exchange("127.0.0.94", node.base, "GET /api/openapi.json HTTP/1.1\r\n", "", 2000).status())
                .as("another address is not affected").isEqualTo(200);
    }

    @Test
    void headersOverTheLimitAreRefusedWith431AsJson() throws Exception {
        RawHttp r = RawHttp.exchange("127.0.0.1", node.base, "GET /api/session HTTP/1.1\r\nX-Big: "
                + "a".repeat(ConsoleHttp.MAX_HEADER_BYTES) + "\r\n", "", 2000);
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.body()).contains("\"code\":\"bad-request\"").doesNotContain("<").doesNotContain("aaaa");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithoutWaitingForIt() throws Exception {
        // Announces 1 MB and sends none of it: the answer must come from the Content-Length alone.
        try (Socket s = RawHttp.connect("127.0.0.1", node.base, 2000)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1048576\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void fiftyParallelWrongPasswordsFromOneAddressRunOneHash() throws Exception {
        long checksBefore = metric("vigil_console_password_checks_total");
        List<Integer> statuses = parallelLogins("127.0.0.91", 50);
        Map<Integer, Long> byStatus = statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        assertThat(byStatus.get(401)).as("wrong-password answers, i.e. hashes run: %s", byStatus).isEqualTo(1L);
        // 50 > the 32 connections one address may hold: the rest are closed unanswered (CLOSED).
        assertThat(byStatus.keySet()).as("%s", byStatus).containsAnyOf(429, 503).isSubsetOf(401, 429, 503, RawHttp.CLOSED);
        assertThat(metric("vigil_console_password_checks_total") - checksBefore).isEqualTo(1);
        assertThat(node.moduleLog()).contains("failed login (wrong password) from 127.0.0.91");
    }

    @Test
    void theMetricsTokenReadsTheMetricsAndNothingElse() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> metrics = http.send(bearer("/api/metrics", TOKEN), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("vigil_node_state{node=\"node1\"").contains("vigil_build_info{");
        for (String path : List.of("/api/cluster", "/api/session", "/api/nodes/1/logs/module", "/api/nodes/1/snapshot")) {
            assertThat(http.send(bearer(path, TOKEN), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as(path).isEqualTo(401);
        }
        HttpResponse<String> wrong = http.send(bearer("/api/metrics", TOKEN + "x"), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Bearer");
        assertThat(node.moduleLog()).doesNotContain(TOKEN);
    }

    @Test
    void wrongTokensFromOutsideCannotFloodTheModuleLog() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long before = node.moduleLog().lines().filter(l -> l.contains("wrong metrics token")).count();
        for (int i = 0; i < 100; i++) {
            assertThat(http.send(bearer("/api/metrics", "not-the-token-" + i), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(401);
        }
        long written = node.moduleLog().lines().filter(l -> l.contains("wrong metrics token")).count() - before;
        // Each used to write its own line: 100 here, 100,000 from a script, rotating the decisions away.
        assertThat(written).isLessThanOrEqualTo(20L);
        assertThat(node.moduleLog()).as("a wrong token is not logged either").doesNotContain("not-the-token");
    }

    private HttpRequest bearer(String path, String token) {
        return HttpRequest.newBuilder(URI.create(node.base + path)).header("Authorization", "Bearer " + token).build();
    }

    /** {@code n} wrong-password logins from {@code source}, all released at once; their statuses. */
    private List<Integer> parallelLogins(String source, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String guess = "wrong-" + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return RawHttp.loginStatus(source, node.base, guess, 10_000);
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : answers) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    private long metric(String name) throws Exception {
        String text = HttpClient.newHttpClient().send(bearer("/api/metrics", TOKEN),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\d+)$").matcher(text);
        assertThat(m.find()).as(name + " in " + text).isTrue();
        return Long.parseLong(m.group(1));
    }
}
