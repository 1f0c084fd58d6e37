package io.vigil.vms;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a VMS central service until the reference VMS exists: an HTTP server that
 * says which node serves it. {@code GET /} names the node, {@code GET /health} answers 200.
 * With {@code --data FILE} it also keeps numbered records ({@link RecordStore}): {@code POST
 * /append?n=N} answers {@code ack <node> N} once N is on disk, {@code GET /records} lists them.
 * Run: {@code java -cp vigil.jar io.vigil.vms.SampleService --name "management server" --node node1 --port 18080}.
 */
public final class SampleService {
    private SampleService() {
    }

    public static void main(String[] args) throws IOException {
        String name = "sample service";
        String node = "unknown";
        String host = "127.0.0.1";
        int port = 18080;
        String data = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--name" -> name = args[i + 1];
                case "--node" -> node = args[i + 1];
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--data" -> data = args[i + 1];
                default -> {
                    System.err.println("unknown option " + args[i] + " (use --name, --node, --host, --port, --data)");
                    System.exit(2);
                }
            }
        }
        serve(name, node, host, port, data == null ? null : new RecordStore(Path.of(data)));
    }

    static HttpServer serve(String name, String node, String host, int port, RecordStore records) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): is another copy of the service still running there?", e);
        }
        Instant since = Instant.now();
        AtomicLong requests = new AtomicLong();
        String label = name;
        String nodeName = node;
        server.createContext("/health", ex -> reply(ex, 200, "ok\n"));
        if (records != null) {
            server.createContext("/append", ex -> append(ex, records, nodeName));
            server.createContext("/records", ex -> reply(ex, 200, records.read()));
        }
        server.createContext("/", ex -> reply(ex, 200, label + " served by " + nodeName + " since " + since
                + " (request " + requests.incrementAndGet() + ")\n"));
        server.start();
        System.out.println(name + " listening on " + host + ":" + port + " for " + node);
        return server;
    }

    private static void append(HttpExchange ex, RecordStore records, String node) throws IOException {
        String q = ex.getRequestURI().getQuery();
        long n;
        try {
            n = Long.parseLong(q == null || !q.startsWith("n=") ? "" : q.substring(2));
        } catch (NumberFormatException e) {
            reply(ex, 400, "expected POST /append?n=<record number>\n");
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            reply(ex, 405, "use POST\n");
            return;
        }
        try {
            records.append(n);
        } catch (IOException e) {
            reply(ex, 500, "record " + n + " not stored: " + e.getMessage() + "\n");
            return;
        }
        // When it was stored, on the machine's monotonic clock: a client on the same machine (the chaos
        // run) orders answers by it, since a reply can reach the client long after it was sent.
        ex.getResponseHeaders().set("X-Stored-At-Ms", Long.toString(System.nanoTime() / 1_000_000));
        reply(ex, 200, "ack " + node + " " + n + "\n");
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
