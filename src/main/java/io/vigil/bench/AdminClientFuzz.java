package io.vigil.bench;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The admin channel's other direction: what {@link AdminClient} (the CLI, the console's view of
 * the peer, the local node's relay) reads from whoever answers. A scripted server on a Unix socket
 * sends a generated or mutated greeting and answer; the client's documented failure is
 * {@link AdminException}, anything else is a crash. Since protocol 3 (issue 12) the answer's
 * authenticity is the channel's (TLS to the peer, the socket's permissions locally), so a
 * well-formed answer is accepted: what is fuzzed here is the client's parsing.
 */
final class AdminClientFuzz implements FuzzTarget {

    private static final int CLIENT_TIMEOUT_MS = 1000;
    private static final List<String> GREETING = List.of("node", "protocol");

    private final Path dir;
    private final ServerSocketChannel listener;
    private final Thread thread;
    private final AdminClient client;
    private volatile byte[] script = new byte[0];

    AdminClientFuzz() throws IOException {
        dir = Files.createTempDirectory("vigil-fuzz-admin-");
        Path socket = dir.resolve("admin.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        client = AdminClient.local(socket, CLIENT_TIMEOUT_MS);
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
            // Mostly the current admin protocol (3), so the answer is read.
            case "protocol" -> r.nextInt(4) == 0 ? Integer.toString(Mutator.edgeInt(r)) : "3";
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
            return Verdict.ACCEPTED;
        } catch (AdminException e) {
            return Verdict.REJECTED;
        }
    }

    private void serve() {
        while (listener.isOpen()) {
            try (SocketChannel s = listener.accept()) {
                s.write(ByteBuffer.wrap(script));
                s.shutdownOutput(); // all there is: a client waiting for more learns it at once
                drainRequest(Channels.newInputStream(s));
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
        Files.deleteIfExists(dir.resolve("admin.sock"));
        Files.deleteIfExists(dir);
    }
}
