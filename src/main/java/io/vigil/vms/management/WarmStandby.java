package io.vigil.vms.management;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A reference-VMS server started as a warm standby (issue 13). The node of the SECOND starts
 * each server with {@value #ENV}=1 before any failover; the server loads and compiles what it
 * will need without listening on its port, and without touching the database beyond one
 * read-only rehearsal of its connection ({@link #rehearseConnection}), then waits unconnected. When that
 * node takes over, after its fencing and the promotion of its database, it writes
 * {@value #ACTIVATE} on the server's standard input and the server starts as it would have cold
 * (pool, schema check, port), less the JVM's start-up. When the standard input closes instead,
 * the node is gone (or dropped its standby): the server exits, so a standby never outlives the
 * node that alone may activate it. Started without {@value #ENV}, a server starts at once.
 */
public final class WarmStandby {
    /** The environment variable the node sets on a standby process. */
    public static final String ENV = "VIGIL_STANDBY";
    /** The line on the standard input that makes a standby serve. */
    public static final String ACTIVATE = "activate";
    /** What a standby prints when its warm-up is over (the benchmark waits for it). */
    public static final String READY = "warm-up finished";
    private static final String[] PATHS = {"/health", "/api/services", "/api/events", "/api/logs"};

    /** A server started for the rehearsal, and the port it took. */
    public record Running(AutoCloseable server, int port) {
    }

    private WarmStandby() {
    }

    /**
     * Returns true at once when this process was not started as a standby. Otherwise warms up on
     * a thread of its own and waits for {@value #ACTIVATE} on stdin: true once it comes, even
     * while the warm-up still runs (it is told to stop: {@code activated} turns true), false when
     * stdin ends first (the caller then exits without serving).
     */
    public static boolean await(String what, Consumer<BooleanSupplier> warmUp) throws IOException {
        return await(what, "1".equals(System.getenv(ENV)), System.in, warmUp);
    }

    static boolean await(String what, boolean standby, InputStream stdin, Consumer<BooleanSupplier> warmUp)
            throws IOException {
        if (!standby) {
            return true;
        }
        AtomicBoolean activated = new AtomicBoolean();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            warmUp.accept(activated::get);
            System.out.println(what + ": " + READY + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms"
                    + (activated.get() ? " (activated meanwhile)"
                    : ", not connected to the database, not listening; waiting for the node to activate it"));
        }, "warm-up");
        t.setDaemon(true);
        t.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.strip().equals(ACTIVATE)) {
                activated.set(true);
                System.out.println(what + ": activated by the node" + (t.isAlive() ? " (during its warm-up)" : ""));
                return true;
            }
        }
        System.out.println(what + ": the node closed the standby's input; exiting without serving");
        return false;
    }

    /**
     * A first connection to the node's own database, which on the SECOND is a read-only standby:
     * TLS, SCRAM, the driver and the pool, and the schema check's query, run once so that the
     * activation's connection finds them loaded and compiled. Tried every few seconds while the
     * database is not there yet (a resync), until it works, the standby is activated, or two
     * minutes pass; the pool is closed before the standby waits. Never writes: it could not.
     */
    public static void rehearseConnection(DatabaseOptions db, BooleanSupplier activated) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
        while (!activated.getAsBoolean() && System.nanoTime() < deadline) {
            try (Store store = db.store()) {
                store.read(c -> c.createStatement().executeQuery("SELECT 1").next());
                store.current();
                return;
            } catch (IOException | java.sql.SQLException e) {
                sleep(2000);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The usual warm-up: runs the server on an {@link Store#unconnected() unconnected} store on a
     * loopback port of the system's choosing (never its own port, never the cluster address),
     * sends it the requests clients send first (each fails as with the database down, through the
     * same routing, authentication and JSON code), stops it; then loads the database driver and
     * the TLS client it connects with. Failures are only reported: a standby that warmed up
     * badly still starts when activated, just slower.
     */
    public static void rehearse(Function<Store, Running> start) {
        try (Store none = Store.unconnected()) {
            Running r = start.apply(none);
            try (AutoCloseable server = r.server()) {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                for (String path : PATHS) {
                    for (String token : new String[] {null, "warm-up"}) {
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + path))
                                .timeout(Duration.ofSeconds(60));
                        if (token != null) {
                            b.header("Authorization", "Bearer " + token);
                        }
                        http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    }
                }
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + "/api/login"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"warm-up\",\"password\":\"warm-up\"}"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            Class.forName("org.postgresql.Driver");
            Class.forName("com.zaxxer.hikari.HikariDataSource");
            tlsClientHello();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.out.println("warm standby: the warm-up failed (" + e + "); the server will start, more slowly");
        }
    }

    /** Builds a TLS ClientHello in memory: the classes and key exchange the database connection needs. */
    private static void tlsClientHello() throws Exception {
        javax.net.ssl.SSLEngine e = javax.net.ssl.SSLContext.getDefault().createSSLEngine("localhost", 5432);
        e.setUseClientMode(true);
        e.beginHandshake();
        e.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(e.getSession().getPacketBufferSize()));
    }
}
