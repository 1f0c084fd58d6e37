package io.vigil.console;

import io.vigil.config.ConsoleSection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.BindException;

/**
 * The console's Jetty server and every limit on what a client can make it hold (issue 10 item 3).
 * The console runs inside the node's JVM, next to the event loop that sends heartbeats: the JDK
 * server it replaces started a thread per connection without bound and never timed a client out.
 */
final class ConsoleHttp {

    /** Threads answering requests; each live page (server-sent events) holds one, see {@link EventStream#MAX_CLIENTS}. */
    static final int MAX_THREADS = 64;
    static final int MIN_THREADS = 4;
    /** Open connections; beyond this the server stops accepting until some close (they wait in the backlog). */
    static final int MAX_CONNECTIONS = 256;
    static final int ACCEPT_BACKLOG = 64;
    /** Connections one client address may hold: a few browsers behind one NAT, not the whole cap. */
    static final int MAX_PER_ADDRESS = 32;
    /** Request line and headers together; a larger request gets 431. Cookies and a token fit in a tenth of it. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    /** A client has this long to send a whole request (headers and body), however it trickles. */
    static final long CLIENT_DEADLINE_MS = 10_000;
    /** Silence on a connection, in either direction; above the event stream's 15 s keep-alive. */
    static final long IDLE_TIMEOUT_MS = 30_000;
    private static final long STOP_MS = 1000;

    private ConsoleHttp() {
    }

    /** @param tls the server's TLS for HTTPS (reloadable: {@link ConsoleTls}), or null for plain HTTP */
    static Server create(ConsoleSection c, SslContextFactory.Server tls, ConnectionGuard connections, Handler handler) {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
        pool.setName("vigil-console");
        pool.setDaemon(true);
        pool.setStopTimeout(STOP_MS);
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        // One acceptor and one selector: requests are few; the limits, not parallelism, matter here.
        ServerConnector connector = tls == null ? new ServerConnector(server, 1, 1, plain)
                : new ServerConnector(server, 1, 1, new SslConnectionFactory(tls, "http/1.1"), plain);
        connector.setHost(c.bindAddress());
        connector.setPort(c.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        connector.setAcceptQueueSize(ACCEPT_BACKLOG);
        connector.addBean(connections);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(new JsonErrors());
        server.setStopTimeout(STOP_MS);
        server.setHandler(handler);
        return server;
    }

    /** @throws IOException naming the configuration keys to change when the port cannot be bound */
    static void start(Server server, ConsoleSection c) throws IOException {
        try {
            server.start();
        } catch (Exception e) {
            stop(server);
            String why = bindFailure(e) ? "another program uses that port, or the address is not this machine's"
                    : "the server did not start";
            throw new IOException("the console cannot listen on " + c.bindAddress() + ":" + c.port() + " ("
                    + e.getMessage() + "): " + why + "; change console.port / console.bindAddress", e);
        }
    }

    static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    static void stop(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: the node is going down or the start already failed.
        }
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }
}
