package io.vigil.dirsync;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The source side of directory replication, run by every node with replicated directories. It
 * serves only while {@link #serving} is on, i.e. while this node runs the services (PRIM or
 * ALONE): a SECOND must never become somebody's source, or a stale copy could flow backwards.
 */
public final class DirSyncServer implements AutoCloseable {

    private static final int IDLE_TIMEOUT_MS = 60_000;
    private static final int MAX_SESSIONS = 4;

    private final byte[] key;
    private final Map<String, java.nio.file.Path> directories;
    private final Consumer<String> log;
    private final io.vigil.net.Acceptor acceptor;
    private final AtomicLong wire = new AtomicLong();
    private volatile boolean serving;
    private volatile String notServingReason = "this node is starting";

    private DirSyncServer(ServerSocket socket, byte[] key, Map<String, java.nio.file.Path> directories,
                          Consumer<String> log) {
        this.key = key.clone();
        this.directories = Map.copyOf(directories);
        this.log = log;
        // More sessions than a peer ever opens: drop the extra one.
        this.acceptor = new io.vigil.net.Acceptor(socket, "directory replication", "vigil-dirsync", MAX_SESSIONS,
                MAX_SESSIONS, this::serve, DirSyncServer::closeQuietly, log);
    }

    /**
     * Binds and starts accepting (not yet serving: see {@link #serving(boolean, String)}).
     *
     * @param directories replicated directory name to its path on this node
     * @param log         one line per refused or failed connection (never key material)
     */
    public static DirSyncServer start(byte[] clusterKey, String bindAddress, int port,
                                      Map<String, java.nio.file.Path> directories, Consumer<String> log)
            throws IOException {
        CryptoWarmUp.start();
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 16);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot open the directory replication port " + bindAddress + ":" + port + " ("
                    + e.getMessage() + "): another program may use it, or the address is not on this machine; "
                    + "set replication.bindAddress / replication.port", e);
        }
        DirSyncServer server = new DirSyncServer(s, clusterKey, directories, log);
        server.acceptor.start();
        return server;
    }

    public int port() {
        return acceptor.port();
    }

    /**
     * Turns serving on or off.
     *
     * @param why shown to a peer that asks while serving is off
     */
    public void serving(boolean on, String why) {
        notServingReason = why;
        serving = on;
    }

    /** Bytes read and written on all connections so far. */
    public long wireBytes() {
        return wire.get();
    }

    @Override
    public void close() {
        acceptor.close();
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(IDLE_TIMEOUT_MS);
            client.setTcpNoDelay(true);
            SecureChannel ch = SecureChannel.server(client, key, wire);
            new SourceSession(ch, directories, () -> serving, () -> notServingReason).run();
        } catch (AuthenticationException e) {
            log.accept("directory replication: " + e.getMessage());
        } catch (EOFException | SocketException e) {
            // the peer went away between requests: normal at the end of a pass
        } catch (IOException | RuntimeException e) {
            if (!acceptor.closed()) {
                log.accept("directory replication: session with " + client.getRemoteSocketAddress() + " failed: " + e);
            }
        }
    }


    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

}
