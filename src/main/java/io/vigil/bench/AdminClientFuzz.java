package io.vigil.bench;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The admin channel's other direction: what {@link AdminClient} (the CLI, and the console's view
 * of the peer) reads from whoever answers on the admin port. A scripted server on loopback sends
 * a generated or mutated greeting and answer; the client's documented failure is
 * {@link AdminException}, anything else is a crash. The scripted server does not hold the admin
 * key, so an answer the client believes is a state change (issue 10 item 5: answers are sealed).
 */
final class AdminClientFuzz implements FuzzTarget {

    private static final int CLIENT_TIMEOUT_MS = 1000;
    private static final List<String> GREETING = List.of("challenge", "node", "protocol");

    private final ServerSocket listener;
    private final Thread thread;
    private final AdminClient client;
    private volatile byte[] script = new byte[0];

    AdminClientFuzz() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        client = new AdminClient("127.0.0.1", listener.getLocalPort(), FuzzKeys.key("admin"), CLIENT_TIMEOUT_MS);
        thread = new Thread(this::serve, "vigil-fuzz-admin-server");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public String name() {
        return "admin-client";
    }

    /** The case: which call the client makes, then the bytes the server sends. */
    @Override
    public byte[] generate(SplittableRandom r) {
        String hello = JsonEdits.object(r, GREETING, f -> switch (f) {
            case "challenge" -> JsonEdits.quote(r.nextInt(4) == 0 ? Mutator.edgeString(r) : "ab".repeat(32));
            // Mostly the current admin protocol (2), so the answer is read; answers here carry no valid
            // MAC (issue 10 item 5), so every one must end in the client's AdminException.
            case "protocol" -> r.nextInt(4) == 0 ? Integer.toString(Mutator.edgeInt(r)) : "2";
            default -> Integer.toString(Mutator.edgeInt(r));
        });
        String answer = switch (r.nextInt(3)) {
            case 0 -> JsonEdits.object(r, List.of("ok", "code", "error"), f -> f.equals("ok") ? "false"
                    : JsonEdits.word(r, "auth", "busy", "bad-request", "authentication failed: x"));
            case 1 -> "{\"ok\":true,\"result\":" + JsonEdits.object(r, List.of("nodeId", "command", "accepted",
                    "message"), f -> f.equals("accepted") ? "true" : f.equals("nodeId") ? JsonEdits.number(r)
                    : JsonEdits.quote(Mutator.edgeString(r))) + "}";
            default -> "{\"ok\":true,\"logs\":" + JsonEdits.object(r, List.of("log", "verbose", "lines"),
                    f -> f.equals("lines") ? "[" + JsonEdits.quote(Mutator.edgeString(r)) + "]"
                            : f.equals("verbose") ? "false" : JsonEdits.word(r, "module")) + "}";
        };
        byte[] bytes = (hello + "\n" + answer + "\n").getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(3) == 0) {
            bytes = Mutator.mutate(bytes, r);
        }
        return Mutator.concat(new byte[] {(byte) r.nextInt(3)}, bytes);
    }

    @Override
    public Verdict feed(byte[] input) {
        script = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (input[0]) {
                case 0 -> client.status();
                case 1 -> client.command("swap", null, "fuzz");
                default -> client.logs("module", false, 0, 10);
            }
            // Nothing here holds the admin key, so no answer is authentic: believing one is a finding.
            return Verdict.stateChange("unauthenticated answer believed", "the client took an answer without a"
                    + " valid MAC for this exchange");
        } catch (AdminException e) {
            return Verdict.REJECTED;
        }
    }

    private void serve() {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(CLIENT_TIMEOUT_MS);
                s.getOutputStream().write(script);
                s.shutdownOutput(); // all there is: a client waiting for more learns it at once
                drainRequest(s.getInputStream());
            } catch (IOException e) {
                // the client hung up first: its side of the case is what is measured
            }
        }
    }

    /** Reads the client's request line before closing, so the close does not reset the answer away. */
    private static void drainRequest(InputStream in) throws IOException {
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            // discard
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
