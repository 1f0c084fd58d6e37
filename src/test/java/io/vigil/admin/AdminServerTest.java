package io.vigil.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.core.BootMode;
import io.vigil.core.Command;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdminServerTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    final List<String> audit = new CopyOnWriteArrayList<>();
    final FakeNode node = FakeNode.primary(1);
    AdminServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    AdminServer start(FakeNode n, AdminServer.Limits limits) throws IOException {
        server = AdminServer.start(n, KEY, "127.0.0.1", 0, PEER, audit::add, limits);
        return server;
    }

    /** The peer's admin address in these tests; the other 127.x addresses are strangers. */
    static final String PEER = "127.0.0.3";

    AdminClient client(byte[] key) {
        return new AdminClient("127.0.0.1", server.port(), key, 5000);
    }

    @Test
    void logsAreReadThroughTheChannelAndBadArgumentsAreRefused() throws Exception {
        start(FakeNode.primary(1), AdminServer.DEFAULTS);
        assertThat(client(KEY).logs("module", true, 0, 10).lines()).containsExactly("fake module line");
        assertThatThrownBy(() -> client(KEY).logs("kernel", false, 0, 10))
                .isInstanceOf(AdminException.class).hasMessageContaining("must be one of");
        assertThatThrownBy(() -> client(KEY).logs("module", false, 0, 100_001))
                .isInstanceOf(AdminException.class).hasMessageContaining("limit 1..100000");
    }

    @Test
    void statusRoundTripsThroughTheChannel() throws Exception {
        start(node, AdminServer.DEFAULTS);
        DaemonStatus status = client(KEY).status();
        assertThat(status).isEqualTo(node.status());
        assertThat(status.rejectedHeartbeats().get("bad-mac")).isEqualTo(3L);
    }

    static Stream<Arguments> everyCommandWord() {
        return Stream.of(
                Arguments.of("start", null, new Command.Start()),
                Arguments.of("stop", null, new Command.Stop()),
                Arguments.of("restart", null, new Command.Restart()),
                Arguments.of("swap", null, new Command.Swap(false)),
                Arguments.of("swap-without-sync", null, new Command.Swap(true)),
                Arguments.of("force-start", null, new Command.ForceStart()),
                Arguments.of("boot", "keep", new Command.SetBoot(BootMode.KEEP)),
                Arguments.of("boot", "enabled", new Command.SetBoot(BootMode.ENABLED)),
                Arguments.of("boot", "disabled", new Command.SetBoot(BootMode.DISABLED)),
                Arguments.of("failover", "on", new Command.SetFailover(true)),
                Arguments.of("failover", "off", new Command.SetFailover(false)),
                Arguments.of("checkers", "suspend", new Command.SuspendErrorDetection(true)),
                Arguments.of("checkers", "resume", new Command.SuspendErrorDetection(false)),
                Arguments.of("checkers", "start", new Command.Checkers(true)),
                Arguments.of("checkers", "stop", new Command.Checkers(false)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyCommandWord")
    void eachCommandWordReachesTheNodeAsItsCommand(String word, String arg, Command expected) throws Exception {
        start(node, AdminServer.DEFAULTS);
        CommandResult result = client(KEY).command(word, arg, "alice@desk (cli)");
        // The commands log names who the client claims to be, and where the request came from.
        assertThat(node.received).containsExactly(new FakeNode.Received(expected, "alice@desk (cli) from 127.0.0.1"));
        assertThat(result).isEqualTo(new CommandResult(1, expected.describe(), true, expected.describe() + " accepted"));
    }

    @Test
    void aRefusalIsAnAnswerNotAnError() throws Exception {
        start(node.refusing("swap needs the peer, and node 2 is not present"), AdminServer.DEFAULTS);
        CommandResult result = client(KEY).command("swap", null, "bob");
        assertThat(result.accepted()).isFalse();
        assertThat(result.message()).isEqualTo("swap needs the peer, and node 2 is not present");
    }

    @Test
    void aWrongKeyIsRefusedAndAudited() throws Exception {
        start(node, AdminServer.DEFAULTS);
        AdminException e = catchThrowableOfType(AdminException.class, () -> client(OTHER_KEY).command("stop", null, "x"));
        assertThat(e.kind()).isEqualTo(AdminException.Kind.AUTH);
        assertThat(e.getMessage()).contains("authentication failed").contains("cluster.key");
        assertThat(node.received).isEmpty();
        assertThat(audit).singleElement().asString().contains("authentication failed").contains("127.0.0.1")
                .doesNotContain(new String(KEY, StandardCharsets.US_ASCII))
                .doesNotContain(new String(OTHER_KEY, StandardCharsets.US_ASCII));
    }

    @Test
    void malformedJsonGetsAPreciseErrorAndTheServerKeepsServing() throws Exception {
        start(node, AdminServer.DEFAULTS);
        try (Raw raw = new Raw(server.port())) {
            raw.send("{\"request\": {\"op\": \"status\"");
            JsonNode answer = raw.answer();
            assertThat(answer.get("ok").asBoolean()).isFalse();
            assertThat(answer.get("error").asText()).startsWith("malformed JSON: ");
        }
        assertThat(client(KEY).status()).isEqualTo(node.status());
    }

    @Test
    void anOversizeLineIsRefusedWithoutReadingItAll() throws Exception {
        start(node, AdminServer.DEFAULTS);
        try (Raw raw = new Raw(server.port())) {
            raw.send("x".repeat(AdminProtocol.MAX_LINE_BYTES + 10));
            assertThat(raw.answer().get("error").asText())
                    .isEqualTo("request line longer than 65536 bytes; refused");
        }
        assertThat(client(KEY).status()).isEqualTo(node.status());
    }

    @Test
    void unknownCommandsArgumentsAndOpsAreNamed() throws Exception {
        start(node, AdminServer.DEFAULTS);
        assertRefused(() -> client(KEY).command("fly", null, "x"), "unknown command \"fly\"; expected one of [start,");
        assertRefused(() -> client(KEY).command("boot", "sometimes", "x"),
                "command \"boot\" does not accept \"sometimes\"; expected one of [keep, enabled, disabled]");
        assertRefused(() -> client(KEY).command("failover", null, "x"),
                "command \"failover\" needs an argument: one of [on, off]");
        assertRefused(() -> client(KEY).command("stop", "now", "x"), "command \"stop\" takes no argument, got \"now\"");
        try (Raw raw = new Raw(server.port())) {
            raw.sendSigned(AdminProtocol.JSON.createObjectNode().put("op", "reboot"), KEY);
            assertThat(raw.answer().get("error").asText())
                    .isEqualTo("unknown op \"reboot\"; expected \"status\", \"logs\", \"estimate\" or \"command\"");
        }
        try (Raw raw = new Raw(server.port())) {
            raw.send("[1,2]");
            assertThat(raw.answer().get("error").asText()).contains("must be a JSON object");
        }
        assertThat(node.received).isEmpty();
        assertThat(client(KEY).status()).isEqualTo(node.status());
    }

    @Test
    void aCapturedRequestCannotBeReplayedOnANewConnection() throws Exception {
        start(node, AdminServer.DEFAULTS);
        String captured;
        try (Raw raw = new Raw(server.port())) {
            captured = raw.sendSigned(AdminProtocol.JSON.createObjectNode().put("op", "command")
                    .put("command", "stop").put("who", "eve"), KEY);
            assertThat(raw.answer().get("ok").asBoolean()).isTrue();
        }
        try (Raw replay = new Raw(server.port())) {
            replay.send(captured);
            JsonNode answer = replay.answer();
            assertThat(answer.get("ok").asBoolean()).isFalse();
            assertThat(answer.get("error").asText()).startsWith("authentication failed: ");
        }
        assertThat(node.received).hasSize(1);
        assertThat(audit).hasSize(1);
    }

    @Test
    void anIdleClientIsToldAndDisconnected() throws Exception {
        start(node, new AdminServer.Limits(200, 15_000, 2, 4, 1, 1, 10_000));
        try (Raw raw = new Raw(server.port())) {
            assertThat(raw.answer().get("error").asText()).startsWith("no request within 0.2 s");
            assertThat(raw.in.readLine()).isNull();
        }
    }

    @Test
    void aNodeThatDoesNotDecideInTimeGivesATimeoutError() throws Exception {
        start(node.answering(c -> new CompletableFuture<>()), new AdminServer.Limits(10_000, 100, 2, 4, 1, 1, 10_000));
        assertRefused(() -> client(KEY).command("swap", null, "x"), "the node did not decide on \"swap\" within");
    }

    @Test
    void aBusyPortGivesAnErrorNamingAddressAndWhatToDo() throws Exception {
        start(node, AdminServer.DEFAULTS);
        assertThatThrownBy(() -> AdminServer.start(node, KEY, "127.0.0.1", server.port(), audit::add))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + server.port())
                .hasMessageContaining("admin.port");
    }

    @Test
    void nothingListeningIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AdminException e = catchThrowableOfType(AdminException.class,
                () -> new AdminClient("127.0.0.1", port, KEY, 2000).status());
        assertThat(e.kind()).isEqualTo(AdminException.Kind.UNREACHABLE);
        assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("is `vigil node` running there?");
    }

    @Test
    void somethingElseOnThePortIsAProtocolError() throws Exception {
        try (ServerSocket http = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try (Socket s = http.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test reports what the client saw
                }
            });
            t.start();
            AdminException e = catchThrowableOfType(AdminException.class,
                    () -> new AdminClient("127.0.0.1", http.getLocalPort(), KEY, 2000).status());
            t.join();
            assertThat(e.kind()).isEqualTo(AdminException.Kind.ERROR);
            assertThat(e.getMessage()).contains("does not speak the vigil admin protocol");
        }
    }

    /** Issue 10 item 4: a few idle connections took every thread and queue place for 10 s each. */
    @Test
    void idleConnectionsFromOneHostLeaveRoomForTheCliAndThePeer() throws Exception {
        start(node, AdminServer.DEFAULTS);
        try (Idle idle = Idle.from(List.of("127.0.0.2"), 40, server.port())) {
            CommandResult result = new AdminClient("127.0.0.1", server.port(), KEY, 2000).command("stop", null, "ops");
            assertThat(result.accepted()).isTrue();
            assertThat(peerStatus()).isEqualTo(node.status());
            assertThat(idle.refused()).as("the idle host got only its share").isGreaterThan(30);
        }
    }

    @Test
    void idleConnectionsFromManyHostsStillLeaveTheSlotKeptForThePeer() throws Exception {
        start(node, AdminServer.DEFAULTS);
        List<String> strangers = java.util.stream.IntStream.range(10, 40).mapToObj(i -> "127.0.0." + i).toList();
        try (Idle idle = Idle.from(strangers, 1, server.port())) {
            assertThat(peerStatus()).isEqualTo(node.status());
            assertThat(idle.refused()).as("the shared threads are full").isGreaterThan(0);
        }
    }

    @Test
    void aRequestTrickledByteByByteIsCutAtTheDeadline() throws Exception {
        start(node, new AdminServer.Limits(300, 15_000, 2, 4, 1, 1, 10_000));
        java.util.concurrent.ScheduledExecutorService trickle =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (Raw raw = new Raw(server.port())) {
            // A byte every 50 ms never trips a per-read timeout of 300 ms; only a deadline stops it.
            trickle.scheduleAtFixedRate(() -> {
                try {
                    raw.out.write('{');
                    raw.out.flush();
                } catch (IOException e) {
                    // the server closed the connection: what the test expects
                }
            }, 0, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(raw.answer().get("error").asText()).startsWith("no request within 0.3 s");
        } finally {
            trickle.shutdownNow();
        }
    }

    /** Issue 10 item 10: a line per failed authentication let guessing flood the module log. */
    @Test
    void manyFailedAuthenticationsGiveOneLineAtOnceThenASummaryPerInterval() throws Exception {
        start(node, new AdminServer.Limits(3_000, 15_000, 8, 16, 2, 3, 1_000));
        for (int i = 0; i < 30; i++) {
            assertThat(catchThrowableOfType(AdminException.class,
                    () -> client(OTHER_KEY).command("stop", null, "guess")).kind()).isEqualTo(AdminException.Kind.AUTH);
        }
        org.awaitility.Awaitility.await("every failure summarised").atMost(java.time.Duration.ofSeconds(10))
                .until(() -> summarised() == 30);
        assertThat(audit.get(0)).startsWith("admin channel: authentication failed for a request from 127.0.0.1: ");
        assertThat(audit).as("a line at once, then one per interval, not one per failure").hasSizeLessThan(10)
                .anyMatch(l -> l.matches("admin channel: rejected \\d+ requests in \\d+ s: \\d+ authentication "
                        + "failed from 127\\.0\\.0\\.1; last: from 127\\.0\\.0\\.1: .*"));
        assertThat(node.received).isEmpty();
    }

    private long summarised() {
        return audit.stream().map(java.util.regex.Pattern.compile("^admin channel: rejected (\\d+) requests")::matcher)
                .filter(java.util.regex.Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).sum();
    }

    /** A status query the way the peer sends it: from the peer's address. */
    private DaemonStatus peerStatus() throws IOException {
        try (Raw raw = new Raw(server.port(), PEER)) {
            raw.sendSigned(AdminProtocol.JSON.createObjectNode().put("op", "status"), KEY);
            return AdminProtocol.JSON.treeToValue(raw.answer().get("status"), DaemonStatus.class);
        }
    }

    /** Connections that say nothing after the greeting, from the given local addresses. */
    static final class Idle implements AutoCloseable {
        final List<Socket> sockets = new java.util.ArrayList<>();
        int refused;

        static Idle from(List<String> sources, int each, int port) throws IOException {
            Idle idle = new Idle();
            for (String source : sources) {
                for (int i = 0; i < each; i++) {
                    Socket s = new Socket("127.0.0.1", port, java.net.InetAddress.getByName(source), 0);
                    s.setSoTimeout(5000);
                    idle.sockets.add(s);
                    // Read the first line: the greeting of a served connection, or the busy refusal.
                    String first = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8)).readLine();
                    if (first != null && first.contains("\"busy\"")) {
                        idle.refused++;
                    }
                }
            }
            return idle;
        }

        int refused() {
            return refused;
        }

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        AdminException e = catchThrowableOfType(AdminException.class, call);
        assertThat(e).as("expected a refusal containing: " + message).isNotNull();
        assertThat(e.kind()).isEqualTo(AdminException.Kind.REFUSED);
        assertThat(e.getMessage()).contains(message);
    }

    /** A hand-driven connection, for what the real client never sends. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        final String challenge;

        Raw(int port) throws IOException {
            this(port, "127.0.0.1");
        }

        Raw(int port, String from) throws IOException {
            socket = new Socket("127.0.0.1", port, java.net.InetAddress.getByName(from), 0);
            socket.setSoTimeout(5000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            JsonNode hello = AdminProtocol.JSON.readTree(in.readLine());
            challenge = hello.get("challenge").asText();
            assertThat(challenge).hasSize(64);
            assertThat(hello.get("node").asInt()).isEqualTo(1);
        }

        void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends a correctly signed request; returns the line sent. */
        String sendSigned(ObjectNode request, byte[] key) throws IOException {
            if (!request.has("nonce")) {
                request.put("nonce", "5a".repeat(AdminProtocol.NONCE_BYTES)); // protocol 2: the client's nonce
            }
            ObjectNode envelope = AdminProtocol.JSON.createObjectNode();
            envelope.set("request", request);
            envelope.put("mac", AdminProtocol.hex(AdminProtocol.mac(key, challenge, request)));
            String line = AdminProtocol.JSON.writeValueAsString(envelope);
            send(line);
            return line;
        }

        JsonNode answer() throws IOException {
            return AdminProtocol.JSON.readTree(in.readLine());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
