package io.vigil.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import io.vigil.pki.ClusterTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * pgjdbc's TLS for the daemon's connections to the peer's database (issue 12): the sockets come
 * from the node's {@link io.vigil.pki.ClusterTls} context (its certificate as the client's, the
 * cluster CA as the only trust anchor: no JDK trust store, no files in the postgres user's
 * folder), TLS 1.3 only, and the JDK checks during the handshake that the server's certificate
 * names the host dialled, on top of pgjdbc's own check for {@code sslmode=verify-full}.
 *
 * <p>pgjdbc builds the factory itself from its class name ({@code sslfactory}) and hands it the
 * connection's properties, which name the node's data directory ({@value #DATA_DIR}).
 */
public final class PgTlsSocketFactory extends SSLSocketFactory {

    static final String DATA_DIR = "vigil.nodeDataDir";
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final SSLSocketFactory delegate;

    /** Called by pgjdbc (reflection) with the connection's properties. */
    public PgTlsSocketFactory(Properties info) {
        String dir = info.getProperty(DATA_DIR);
        if (dir == null) {
            throw new IllegalArgumentException("pgjdbc property " + DATA_DIR + " is missing");
        }
        this.delegate = context(Path.of(dir)).getSocketFactory();
    }

    /** Loaded contexts, by node data directory: the standby's monitor connects every second. */
    private static final Map<Path, Loaded> CONTEXTS = new ConcurrentHashMap<>();

    private record Loaded(List<Object> stamp, SSLContext context) {
    }

    /** The node's context, loaded again when its certificate files were replaced (renewal, pairing). */
    private static SSLContext context(Path nodeDataDir) {
        List<Object> stamp = stamp(nodeDataDir);
        Loaded l = CONTEXTS.get(nodeDataDir);
        if (l == null || !l.stamp().equals(stamp)) {
            l = new Loaded(stamp, new PgTls(nodeDataDir).context());
            CONTEXTS.put(nodeDataDir, l);
        }
        return l.context();
    }

    private static List<Object> stamp(Path nodeDataDir) {
        Path dir = ClusterTls.dir(nodeDataDir);
        List<Object> stamp = new ArrayList<>();
        for (String f : List.of(ClusterTls.CA, ClusterTls.NODE, ClusterTls.NODE_KEY)) {
            try {
                BasicFileAttributes a = Files.readAttributes(dir.resolve(f), BasicFileAttributes.class);
                stamp.add(a.fileKey());
                stamp.add(a.lastModifiedTime());
            } catch (IOException e) {
                stamp.add(f + " missing"); // load() then says what is wrong
            }
        }
        return stamp;
    }

    /** Sets pgjdbc's TLS properties: this factory and verify-full with {@code tls}; plaintext without. */
    static void configure(Properties props, PgTls tls) {
        if (tls == null) {
            props.setProperty("sslmode", "disable");
            return;
        }
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslfactory", PgTlsSocketFactory.class.getName());
        props.setProperty(DATA_DIR, tls.nodeDataDir().toAbsolutePath().toString());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        SSLSocket socket = (SSLSocket) delegate.createSocket(s, host, port, autoClose);
        SSLParameters p = socket.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(p);
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    // pgjdbc layers TLS over its own connected socket (above); plain sockets are never asked for.
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new IOException("PgTlsSocketFactory only layers TLS over an existing connection");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException("PgTlsSocketFactory only layers TLS over an existing connection");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new IOException("PgTlsSocketFactory only layers TLS over an existing connection");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException("PgTlsSocketFactory only layers TLS over an existing connection");
    }
}
