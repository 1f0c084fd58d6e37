package io.vigil.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.api.LogPage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 5: the admin channel's answers were not authenticated, so whoever sat between the
 * CLI (or the peer's console) and a node could answer "ok" to a command it never passed on, replay
 * an earlier answer, or reorder the frames of a log. Real sockets: a real server, a real client,
 * and in between a fake server or a relay that rewrites what the node sent.
 */
class AdminAnswerAuthTest {

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void aFakeServerWithoutTheKeyThatAnswersOkIsRefused() throws Exception {
        ServerSocket fake = listen();
        Thread t = new Thread(() -> {
            try (Socket s = fake.accept()) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                send(s.getOutputStream(), "{\"challenge\":\"" + "ab".repeat(32) + "\",\"node\":1,\"protocol\":"
                        + AdminProtocol.VERSION + "}");
                AdminProtocol.readLine(in);
                send(s.getOutputStream(), "{\"ok\":true,\"result\":{\"nodeId\":1,\"command\":\"stop\",\"accepted\":true,"
                        + "\"message\":\"stopped\"},\"frame\":0,\"mac\":\"" + "00".repeat(32) + "\"}");
            } catch (IOException e) {
                // the test's assertion tells
            }
        });
        t.start();
        AdminClient client = new AdminClient("127.0.0.1", fake.getLocalPort(), AdminServerTest.KEY, 5000);
        assertThatThrownBy(() -> client.command("stop", null, "ops"))
                .isInstanceOfSatisfying(AdminException.class, e -> assertThat(e.kind()).isEqualTo(AdminException.Kind.AUTH))
                .hasMessage("the answer from 127.0.0.1:" + fake.getLocalPort() + " is not authenticated: wrong cluster"
                        + " key on one side, or someone in between");
        t.join(5000);
    }

    @Test
    void anAnswerReplayedFromAnotherExchangeIsRefused() throws Exception {
        FakeNode node = FakeNode.primary(1);
        AdminServer server = serve(node);
        List<List<String>> recorded = new CopyOnWriteArrayList<>();
        Relay relay = relay(server.port(), answer -> {
            if (recorded.isEmpty()) {
                recorded.add(answer);
                return answer;
            }
            return recorded.get(0); // the second exchange gets the first one's answer
        });
        AdminClient client = new AdminClient("127.0.0.1", relay.port(), AdminServerTest.KEY, 5000);
        assertThat(client.command("stop", null, "ops").accepted()).isTrue();
        assertThatThrownBy(() -> client.command("swap", null, "ops"))
                .isInstanceOf(AdminException.class).hasMessageContaining("is not authenticated");
        assertThat(node.received).hasSize(2).as("the node got the swap; the client was not told it was done");
    }

    @Test
    void reorderedOrDroppedFramesOfALogAreRefused() throws Exception {
        List<String> lines = IntStream.range(0, 20_000).mapToObj(i -> "line " + i + " " + "x".repeat(40)).toList();
        FakeNode node = FakeNode.primary(1).withLogs((log, verbose, offset, limit) ->
                new LogPage(log, verbose, lines.subList(0, limit)));
        AdminServer server = serve(node);
        AdminClient direct = new AdminClient("127.0.0.1", server.port(), AdminServerTest.KEY, 10_000);
        assertThat(direct.logs("module", false, 0, 20_000).lines()).isEqualTo(lines);

        Relay swapping = relay(server.port(), answer -> {
            assertThat(answer).as("a multi-frame answer").hasSizeGreaterThan(2);
            List<String> out = new ArrayList<>(answer);
            Collections.swap(out, 0, 1);
            return out;
        });
        assertThatThrownBy(() -> new AdminClient("127.0.0.1", swapping.port(), AdminServerTest.KEY, 10_000)
                .logs("module", false, 0, 20_000)).isInstanceOf(AdminException.class)
                .hasMessageContaining("is not authenticated");

        Relay dropping = relay(server.port(), answer -> {
            List<String> out = new ArrayList<>(answer);
            out.remove(1);
            return out;
        });
        assertThatThrownBy(() -> new AdminClient("127.0.0.1", dropping.port(), AdminServerTest.KEY, 10_000)
                .logs("module", false, 0, 20_000)).isInstanceOf(AdminException.class)
                .hasMessageContaining("is not authenticated");
    }

    @Test
    void aClientAndANodeOfDifferentProtocolVersionsSayOneClearLine() throws Exception {
        // A protocol-1 client at this node: a request without a nonce, signed as version 1 did.
        FakeNode node = FakeNode.primary(1);
        AdminServer server = serve(node);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            String challenge = AdminProtocol.JSON.readTree(AdminProtocol.readLine(in)).get("challenge").asText();
            var request = AdminProtocol.JSON.createObjectNode().put("op", "status");
            send(s.getOutputStream(), "{\"request\":" + request + ",\"mac\":\""
                    + AdminProtocol.hex(AdminProtocol.mac(AdminServerTest.OTHER_KEY, challenge, request)) + "\"}");
            assertThat(AdminProtocol.JSON.readTree(AdminProtocol.readLine(in)).get("error").asText()).isEqualTo(
                    "the client speaks admin protocol 1 (its request has no valid \"nonce\"), this node 2: upgrade both"
                            + " nodes and use the vigil CLI of their version");
        }
        assertThat(node.received).isEmpty();

        // This client at a protocol-1 node: refused from its greeting, before anything is sent.
        ServerSocket old = listen();
        Thread t = new Thread(() -> {
            try (Socket s = old.accept()) {
                send(s.getOutputStream(), "{\"challenge\":\"" + "ab".repeat(32) + "\",\"node\":2,\"protocol\":1}");
                assertThat(s.getInputStream().read()).as("the client sends no request").isEqualTo(-1);
            } catch (IOException e) {
                // the client's exception tells
            }
        });
        t.start();
        assertThatThrownBy(() -> new AdminClient("127.0.0.1", old.getLocalPort(), AdminServerTest.KEY, 5000).status())
                .isInstanceOf(AdminException.class).hasMessage("node at 127.0.0.1:" + old.getLocalPort() + " speaks"
                        + " admin protocol 1, this vigil 2: upgrade both nodes (and the CLI) to the same Vigil version");
        t.join(5000);
    }

    /** Sealing adds the frame index and the MAC: the worst-case frames must still fit a line. */
    @Test
    void sealedFramesStillFitTheLineLimit() {
        // Control characters escape to 6 bytes each: the longest a cut log line can get.
        String worst = "\u0001".repeat(AdminProtocol.MAX_LOG_LINE_CHARS);
        java.util.Map<String, Object> logs = RequestHandler.ok();
        logs.put("logs", new LogPage("module", true, Collections.nCopies(40, worst)));
        logs.put("more", false);
        java.util.Map<String, Object> single = RequestHandler.ok();
        single.put("text", "y".repeat(AdminProtocol.MAX_LINE_BYTES - AdminProtocol.SEAL_BYTES - 30));
        for (var answer : List.of(logs, single)) {
            List<String> sealed = AdminProtocol.sealed(AdminProtocol.frames(answer), AdminServerTest.KEY,
                    "ab".repeat(32), "cd".repeat(32));
            assertThat(sealed).allSatisfy(f -> assertThat(AdminProtocol.utf8Length(f))
                    .isLessThan(AdminProtocol.MAX_LINE_BYTES).as("a frame the client can read"));
        }
        assertThat(AdminProtocol.frames(logs)).hasSizeGreaterThan(2);
        assertThat(AdminProtocol.frames(single)).singleElement().asString().doesNotContain("too-large");
    }

    private AdminServer serve(FakeNode node) throws IOException {
        AdminServer server = AdminServer.start(node, AdminServerTest.KEY, "127.0.0.1", 0, line -> { });
        closing.add(server);
        return server;
    }

    private ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closing.add(s);
        return s;
    }

    private Relay relay(int serverPort, UnaryOperator<List<String>> rewrite) throws IOException {
        Relay r = new Relay(listen(), serverPort, rewrite);
        r.start();
        return r;
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Someone in between: passes the greeting and the request through, and hands the node's answer
     * lines to {@code rewrite} before the client sees them. One connection after the other.
     */
    private static final class Relay extends Thread {
        private final ServerSocket listener;
        private final int serverPort;
        private final UnaryOperator<List<String>> rewrite;

        Relay(ServerSocket listener, int serverPort, UnaryOperator<List<String>> rewrite) {
            super("admin-relay");
            setDaemon(true);
            this.listener = listener;
            this.serverPort = serverPort;
            this.rewrite = rewrite;
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void run() {
            while (!listener.isClosed()) {
                try (Socket client = listener.accept(); Socket server = new Socket("127.0.0.1", serverPort)) {
                    InputStream fromServer = new BufferedInputStream(server.getInputStream());
                    InputStream fromClient = new BufferedInputStream(client.getInputStream());
                    send(client.getOutputStream(), AdminProtocol.readLine(fromServer));
                    send(server.getOutputStream(), AdminProtocol.readLine(fromClient));
                    List<String> answer = new ArrayList<>();
                    for (String l = AdminProtocol.readLine(fromServer); l != null; l = AdminProtocol.readLine(fromServer)) {
                        answer.add(l);
                    }
                    for (String l : rewrite.apply(answer)) {
                        send(client.getOutputStream(), l);
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            }
        }
    }
}
