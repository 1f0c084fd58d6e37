package io.vigil.bench;

import io.vigil.dirsync.HostileSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Bytes at directory replication's port (issue 12: TLS 1.3 of the cluster CA, then the hello):
 * the accepting side ({@link HostileSource#acceptHandshake}: the real source's TLS listener and
 * hello) on a real loopback connection. The first byte of a case says who sends the rest: raw
 * bytes without TLS, or the hello inside TLS from a client with a certificate of another CA,
 * with none, or with the peer's. Failures are {@link IOException}s; only the peer's connection
 * with a well-formed hello may ever be accepted.
 */
final class DirSyncHandshakeFuzz implements FuzzTarget {

    private static final int READ_TIMEOUT_MS = 200;
    private static final int RAW = 0;
    private static final int STRANGER = 1;
    private static final int NO_CERTIFICATE = 2;
    private static final int PEER = 3;

    private final Path dir;
    private final FuzzTls tls;
    private final SSLServerSocket listener;
    private final ExecutorService client = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vigil-fuzz-dirsync-client");
        t.setDaemon(true);
        return t;
    });

    DirSyncHandshakeFuzz() throws IOException {
        dir = Files.createTempDirectory("vigil-fuzz-dirsync-tls");
        tls = FuzzTls.provision(dir);
        listener = tls.source().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    }

    @Override
    public String name() {
        return "dirsync-handshake";
    }

    @Override
    public byte[] generate(SplittableRandom r) {
        byte[] hello = HostileSource.hello();
        byte[] body = switch (r.nextInt(3)) {
            case 0 -> Mutator.randomBytes(r, r.nextInt(100));
            case 1 -> Mutator.mutate(hello, r);
            default -> hello;
        };
        return Mutator.concat(new byte[] {(byte) r.nextInt(4)}, body);
    }

    @Override
    public Verdict feed(byte[] input) throws Exception {
        int who = input.length == 0 ? RAW : (input[0] & 0xff) % 4;
        byte[] body = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        Future<?> sent = client.submit(() -> send(who, body));
        try (SSLSocket accepted = (SSLSocket) listener.accept()) {
            accepted.setSoTimeout(READ_TIMEOUT_MS);
            try {
                HostileSource.acceptHandshake(accepted);
            } catch (IOException e) {
                return Verdict.REJECTED;
            }
        } finally {
            sent.cancel(true);
            try {
                sent.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the client's own failure (refused, cut) is not what is tested
            }
        }
        if (who != PEER) {
            return Verdict.stateChange("handshake without a certificate of the cluster CA",
                    "the source accepted a connection whose client had " + (who == RAW ? "no TLS"
                            : who == STRANGER ? "a certificate of another CA" : "no certificate"));
        }
        if (!wellFormed(body)) {
            return Verdict.stateChange("malformed hello accepted", "the source accepted a hello that is not "
                    + "magic, version and a 32-byte block key");
        }
        return Verdict.ACCEPTED;
    }

    private static boolean wellFormed(byte[] body) {
        byte[] hello = HostileSource.hello();
        return body.length >= hello.length && Arrays.equals(body, 0, 5, hello, 0, 5);
    }

    private Void send(int who, byte[] body) throws IOException {
        int port = listener.getLocalPort();
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        try (Socket s = switch (who) {
            case RAW -> new Socket(InetAddress.getLoopbackAddress(), port);
            case STRANGER -> handshaken((SSLSocket) tls.impostor().getSocketFactory().createSocket(host, port));
            case NO_CERTIFICATE -> handshaken((SSLSocket) tls.anonymous().getSocketFactory().createSocket(host, port));
            default -> tls.receiver().connect(host, port, 2000);
        }) {
            OutputStream out = s.getOutputStream();
            out.write(body);
            out.flush();
            s.getInputStream().read(); // until the source answers or hangs up
        }
        return null;
    }

    private static SSLSocket handshaken(SSLSocket s) throws IOException {
        s.setSoTimeout(2000);
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return s;
    }

    @Override
    public void close() throws IOException {
        client.shutdownNow();
        listener.close();
        io.vigil.demo.LocalCluster.deleteTree(dir);
    }
}
