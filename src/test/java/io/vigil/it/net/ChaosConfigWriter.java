package io.vigil.it.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link ChaosClient}'s database mode: numbered configuration changes to the management server,
 * each retried with its own Idempotency-Key until acknowledged. Raw sockets with hard timeouts,
 * for the reason {@link ChaosClient} gives; a commit may wait for the synchronous standby up to the
 * peer-lost timeout (3 s), so a reply gets 5 s.
 */
final class ChaosConfigWriter {
    static final String PREFIX = "chaos-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int READ_TIMEOUT_MS = 5000;

    private final String host;
    private final int port;
    private final String password;
    private volatile String token;

    private ChaosConfigWriter(URI url, String password) {
        this.host = url.getHost();
        this.port = url.getPort();
        this.password = password;
    }

    static void main(URI url, int streams, Path out, Path stop, Path passwordFile) throws Exception {
        ChaosConfigWriter w = new ChaosConfigWriter(url, Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), true)) {
            Thread[] threads = new Thread[streams];
            for (int s = 0; s < streams; s++) {
                int stream = s;
                threads[s] = new Thread(() -> w.write(stream, streams, stop, log), "stream-" + s);
                threads[s].start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private void write(int stream, int streams, Path stop, PrintWriter log) {
        for (long i = 0; !Files.exists(stop); i++) {
            long n = i * streams + stream + 1;
            // The same change until it is acknowledged: its key makes every retry safe.
            while (!Files.exists(stop)) {
                long start = ChaosClient.nowMs();
                String outcome = attempt(n);
                String line = outcome == null ? "ack " + n + " - -1 " + start + " " + ChaosClient.nowMs()
                        : "fail " + n + " " + start + " " + ChaosClient.nowMs() + " " + outcome;
                synchronized (log) {
                    log.println(line);
                }
                if (outcome == null) {
                    break;
                }
                pause(100); // a refused connection comes back at once: do not spin
            }
        }
    }

    /** Null when change {@code n} is acknowledged, else why not. */
    private String attempt(long n) {
        try {
            if (token == null) {
                login();
            }
            String body = JSON.writeValueAsString(Map.of("name", PREFIX + n, "host", "rs" + n + ".chaos.invalid",
                    "webPort", 7563, "storagePath", "/srv/chaos"));
            String[] reply = request("POST", "/api/recording-servers", body, PREFIX + n);
            if (reply[0].equals("201")) {
                return null;
            }
            if (reply[0].equals("401")) {
                token = null; // a session lost with a database copy: log in again
            }
            // 409: a retry that ran while the first attempt was still committing saw its name taken;
            // the next retry with the same key gets the stored answer.
            return "status " + reply[0];
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    private void login() throws IOException {
        String[] reply = request("POST", "/api/login", JSON.writeValueAsString(Map.of("user", "admin",
                "password", password)), null);
        if (!reply[0].equals("200")) {
            throw new IOException("login answered " + reply[0]);
        }
        JsonNode t = JSON.readTree(reply[1]).path("token");
        if (!t.isTextual()) {
            throw new IOException("login answered no token");
        }
        token = t.asText();
    }

    /** {status, body}; one request on a new connection, 0.5 s to connect, 5 s per read. */
    private String[] request(String method, String path, String body, String key) throws IOException {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nContent-Type: application/json\r\nContent-Length: " + content.length + "\r\nConnection: close\r\n");
        if (token != null && !path.equals("/api/login")) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (key != null) {
            head.append("Idempotency-Key: ").append(key).append("\r\n");
        }
        head.append("\r\n");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(content);
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String status = reply.lines().findFirst().orElse("");
            String[] words = status.split(" ");
            if (words.length < 2) {
                throw new IOException("no status line");
            }
            int at = reply.indexOf("\r\n\r\n");
            String payload = at < 0 ? "" : reply.substring(at + 4);
            boolean chunked = at > 0 && reply.substring(0, at).toLowerCase(java.util.Locale.ROOT)
                    .contains("transfer-encoding: chunked");
            return new String[] {words[1], chunked ? dechunk(payload) : payload};
        }
    }

    /** The body of a chunked reply (sizes in hex, each chunk followed by CRLF, a 0 chunk last). */
    static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
