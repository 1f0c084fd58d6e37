package io.vigil.it.net;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The chaos run's client, a process of its own in the lab's client namespace: {@code STREAMS}
 * threads, each writing numbered records one after the other to the protected service through the
 * virtual IP, until the file {@code STOP} exists. Each answer is one line of {@code OUT}:
 * {@code ack <record> <node> <storedAtMs> <startMs> <endMs>} or {@code fail <record> <startMs> <endMs>
 * <why>}, times from the machine's monotonic clock (System.nanoTime is CLOCK_MONOTONIC on Linux, shared by
 * every process), so the harness can line them up with its own observations.
 * Usage: ChaosClient URL STREAMS OUT STOP [PASSWORD_FILE].
 *
 * <p>With {@code PASSWORD_FILE} (database mode, issue 13) each record is a configuration change
 * to the reference VMS's management server at {@code URL}, logged in as {@code admin}: the creation
 * of recording server {@code chaos-N}, which it commits to the cluster's PostgreSQL before it
 * answers. A change whose answer did not come (timeout, refused connection, 5xx while the services
 * move) is sent again with the same {@code Idempotency-Key}, until it is acknowledged: the server
 * then answers a change it already applied with its stored answer instead of applying it twice.
 * An acknowledgement is logged as {@code ack N - -1 START END} (the server does not say which
 * node answered).
 */
public final class ChaosClient {
    private ChaosClient() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int streams = Integer.parseInt(args[1]);
        Path stop = Path.of(args[3]);
        if (args.length > 4) {
            ChaosConfigWriter.main(url, streams, Path.of(args[2]), stop, Path.of(args[4]));
            return;
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8), true)) {
            Thread[] threads = new Thread[streams];
            for (int s = 0; s < streams; s++) {
                int stream = s;
                threads[s] = new Thread(() -> write(url.getHost(), url.getPort(), stream, streams, stop, out), "stream-" + s);
                threads[s].start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private static void write(String host, int port, int stream, int streams, Path stop, PrintWriter out) {
        for (long i = 0; !Files.exists(stop); i++) {
            long n = i * streams + stream + 1;
            long start = nowMs();
            String line;
            try {
                String[] answer = append(host, port, n);
                line = answer[0].equals("ack") && answer[2].equals(Long.toString(n))
                        ? "ack " + n + " " + answer[1] + " " + answer[3] + " " + start + " " + nowMs()
                        : "fail " + n + " " + start + " " + nowMs() + " answer " + String.join(" ", answer);
            } catch (IOException e) {
                line = "fail " + n + " " + start + " " + nowMs() + " " + e.getClass().getSimpleName();
                pause(100); // a refused connection comes back at once: do not spin
            }
            synchronized (out) {
                out.println(line);
            }
        }
    }

    /**
     * One POST /append?n=N on a new connection with hard timeouts (0.5 s to connect, 1 s per read),
     * as a client with a deadline would: java.net.http's request timeout does not bound a reply
     * that TCP is still retransmitting. Returns {"ack", node, N, storedAtMs} or the status line.
     */
    private static String[] append(String host, int port, long n) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write(("POST /append?n=" + n + " HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String status = reply.lines().findFirst().orElse("");
            if (!status.contains(" 200 ")) {
                return new String[] {status};
            }
            String storedAt = reply.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("x-stored-at-ms:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("-1");
            String[] body = reply.substring(reply.indexOf("\r\n\r\n") + 4).strip().split(" ");
            return body.length == 3 ? new String[] {body[0], body[1], body[2], storedAt} : new String[] {status};
        }
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
