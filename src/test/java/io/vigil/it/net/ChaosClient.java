package io.vigil.it.net;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The chaos run's client, a process of its own in the lab's client namespace: {@code STREAMS}
 * threads, each writing numbered records one after the other to the protected service through the
 * virtual IP, until the file {@code STOP} exists. Each answer is one line of {@code OUT}:
 * {@code ack <record> <node> <storedAtMs> <startMs> <endMs>} or {@code fail <record> <startMs> <endMs>
 * <why>}, times from the machine's monotonic clock (System.nanoTime is CLOCK_MONOTONIC on Linux, shared by
 * every process), so the harness can line them up with its own observations.
 * Usage: ChaosClient URL STREAMS OUT STOP.
 */
public final class ChaosClient {
    private ChaosClient() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int streams = Integer.parseInt(args[1]);
        Path stop = Path.of(args[3]);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8), true)) {
            Thread[] threads = new Thread[streams];
            for (int s = 0; s < streams; s++) {
                int stream = s;
                threads[s] = new Thread(() -> write(url, stream, streams, stop, out), "stream-" + s);
                threads[s].start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private static void write(String url, int stream, int streams, Path stop, PrintWriter out) {
        // One client per stream: a kept-alive connection to a node that should have stopped serving
        // is exactly what must be noticed, so connections are not shared between streams.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        for (long i = 0; !Files.exists(stop); i++) {
            long n = i * streams + stream + 1;
            long start = nowMs();
            String line;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/append?n=" + n))
                                .timeout(Duration.ofMillis(1000)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                String[] words = r.body().strip().split(" ");
                line = r.statusCode() == 200 && words.length == 3 && words[0].equals("ack") && words[2].equals(n + "")
                        ? "ack " + n + " " + words[1] + " " + r.headers().firstValue("X-Stored-At-Ms").orElse("-1")
                        + " " + start + " " + nowMs()
                        : "fail " + n + " " + start + " " + nowMs() + " status " + r.statusCode();
            } catch (IOException e) {
                line = "fail " + n + " " + start + " " + nowMs() + " " + e.getClass().getSimpleName();
                pause(100); // a refused connection comes back at once: do not spin
            } catch (InterruptedException e) {
                return;
            }
            synchronized (out) {
                out.println(line);
            }
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
