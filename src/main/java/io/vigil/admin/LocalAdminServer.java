package io.vigil.admin;

import io.vigil.api.NodeControl;
import io.vigil.log.RejectionSummary;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The local CLI's way into its own node (issue 12): the admin protocol over a Unix domain socket
 * ({@code admin.socket}, default {@code <dataDir>/admin.sock}). The kernel names the connecting
 * process's user ({@code SO_PEERCRED}), so no key is needed: {@link LocalAccess} decides, and the
 * socket file is mode 0660 with group {@value LocalAccess#GROUP} when that group exists, else 0600.
 * A request marked {@code "peer":true} is relayed to the peer node over the TLS admin channel, so
 * {@code --cluster} needs no key on the CLI's side either; only the daemon reads keys.
 */
public final class LocalAdminServer implements AutoCloseable {

    /** @param requestDeadlineMs the request must arrive within this time of the connection */
    record Limits(int requestDeadlineMs, long commandTimeoutMs, int threads, long summaryMs) {
    }

    static final Limits DEFAULTS = new Limits(3_000, 15_000, 4, 10_000);

    private final ServerSocketChannel server;
    private final Path path;
    private final RequestHandler handler;
    private final LocalAccess access;
    private final Limits limits;
    private final Consumer<String> audit;
    private final RejectionSummary refusals;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "vigil-local-admin-timers"));
    private final Thread acceptor;
    private volatile boolean closed;

    private LocalAdminServer(ServerSocketChannel server, Path path, NodeControl control, NodeControl peer,
                             LocalAccess access, Limits limits, Consumer<String> audit) {
        this.server = server;
        this.path = path;
        this.handler = new RequestHandler(control, peer, limits.commandTimeoutMs());
        this.access = access;
        this.limits = limits;
        this.audit = audit;
        this.refusals = new RejectionSummary("local connections", limits.summaryMs());
        // No queue: a connection beyond the threads is closed at once, like the TCP channel's busy.
        this.pool = new ThreadPoolExecutor(limits.threads(), limits.threads(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "vigil-local-admin"));
        pool.allowCoreThreadTimeOut(true);
        this.acceptor = daemon(this::acceptLoop, "vigil-local-admin-accept");
    }

    /**
     * Creates the socket and starts serving.
     *
     * @param peer the peer's TLS admin channel, for relayed requests; null when this node has no
     *             cluster certificates yet (relayed requests are then refused with the reason)
     * @throws IOException the socket cannot be made: the message names the path and what to do
     */
    public static LocalAdminServer start(NodeControl control, AdminClient peer, Path socket, Consumer<String> audit)
            throws IOException {
        return start(control, peer, socket, audit, LocalAccess.standard(), DEFAULTS);
    }

    static LocalAdminServer start(NodeControl control, AdminClient peer, Path socket, Consumer<String> audit,
                                  LocalAccess access, Limits limits) throws IOException {
        Path path = socket.toAbsolutePath().normalize();
        removeStale(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            // Anyone who connects before this narrows the mode is still checked by SO_PEERCRED.
            restrict(path, access.group());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException("cannot open the local admin socket " + path + " (" + e.getMessage() + "): its"
                    + " folder must exist and the path be shorter than 100 characters; set admin.socket in the"
                    + " configuration", e);
        }
        NodeControl relay = peer == null ? new NoPeer() : new PeerControl(peer);
        LocalAdminServer s = new LocalAdminServer(ch, path, control, relay, access, limits, audit);
        s.acceptor.start();
        s.timers.scheduleWithFixedDelay(s::logSummary, 1, 1, TimeUnit.SECONDS);
        return s;
    }

    /** A socket left by a node that died is removed; anything else at the path is not touched. */
    private static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isOther()) {
            throw new IOException("cannot open the local admin socket " + path + ": a " + (a.isSymbolicLink()
                    ? "symbolic link" : a.isDirectory() ? "directory" : "file") + " is in the way; remove it, or"
                    + " set admin.socket to another path");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("cannot open the local admin socket " + path + ": a running program (another"
                    + " vigil node with the same data directory?) answers on it; stop it first");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot open the local admin socket")) {
                throw e;
            }
            Files.deleteIfExists(path); // nobody listens: a leftover of a node that was killed
        }
    }

    private static void restrict(Path path, Optional<GroupPrincipal> group) throws IOException {
        // By path, not NOFOLLOW_LINKS: that way the JDK opens the file, which a socket refuses
        // (ENXIO). The socket was just made by bind() in a folder only root may write to.
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (group.isPresent()) {
            view.setGroup(group.get());
            view.setPermissions(PosixFilePermissions.fromString("rw-rw----"));
        } else {
            view.setPermissions(PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Already closed.
        }
        pool.shutdownNow();
        timers.shutdownNow();
        try {
            acceptor.join(2000);
            Files.deleteIfExists(path);
        } catch (IOException e) {
            audit.accept("local admin socket: cannot remove " + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                audit.accept("local admin socket: accept failed: " + e.getMessage());
                pause();
                continue;
            }
            try {
                pool.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                closeQuietly(client);
            }
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> killer = timers.schedule(() -> closeQuietly(client), limits.requestDeadlineMs(),
                TimeUnit.MILLISECONDS);
        try (client) {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            OutputStream out = Channels.newOutputStream(client);
            Optional<String> refusal = access.refusal(peer);
            if (refusal.isPresent()) {
                refused(peer, refusal.get());
                RequestHandler.write(out, AdminProtocol.line(RequestHandler.error("denied", refusal.get())));
                return;
            }
            InputStream in = new BufferedInputStream(new KilledByTimer(Channels.newInputStream(client), killer));
            handler.serve(in, out, "local user " + peer.user().getName(), limits.requestDeadlineMs());
        } catch (IOException | RuntimeException e) {
            if (!closed && !(e instanceof ClosedChannelException)) {
                audit.accept("local admin socket: a connection failed: " + e);
            }
        } finally {
            killer.cancel(false);
        }
    }

    private void refused(UnixDomainPrincipal peer, String why) {
        String user = peer.user().getName();
        if (refusals.record("not allowed", user, "refused local user " + user + ": " + why)) {
            audit.accept("local admin socket: refused local user " + user + " (group " + peer.group().getName()
                    + "): not root, not in the group '" + access.groupName() + "'");
        }
    }

    private void logSummary() {
        refusals.drainIfDue().ifPresent(line -> audit.accept("local admin socket: " + line));
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Once the request line is in, the timer may no longer cut the answer. */
    private static final class KilledByTimer extends java.io.FilterInputStream {
        private final ScheduledFuture<?> killer;

        KilledByTimer(InputStream in, ScheduledFuture<?> killer) {
            super(in);
            this.killer = killer;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && contains(b, off, n)) {
                killer.cancel(false);
            }
            return n;
        }

        private static boolean contains(byte[] b, int off, int n) {
            for (int i = off; i < off + n; i++) {
                if (b[i] == '\n') {
                    return true;
                }
            }
            return false;
        }
    }

    /** Relaying before this node has its cluster certificates: every request says why it cannot. */
    private static final class NoPeer implements NodeControl {
        private static final String WHY = "this node has no cluster certificates yet, so it cannot reach its peer;"
                + " pair the nodes first (vigil setup)";

        private static RuntimeException unavailable() {
            return new PeerControl.Unavailable(new AdminException(AdminException.Kind.UNREACHABLE, WHY));
        }

        @Override
        public java.util.concurrent.CompletableFuture<io.vigil.api.CommandResult> submit(io.vigil.core.Command c,
                                                                                          String who) {
            return java.util.concurrent.CompletableFuture.failedFuture(unavailable());
        }

        @Override
        public io.vigil.api.DaemonStatus status() {
            throw unavailable();
        }

        @Override
        public io.vigil.api.LogPage logs(String log, boolean verbose, int offset, int limit) {
            throw unavailable();
        }

        @Override
        public io.vigil.replication.ResyncEstimate estimate() {
            throw unavailable();
        }

        @Override
        public io.vigil.api.DumpInfo dump(String reason) {
            throw unavailable();
        }

        @Override
        public java.util.List<io.vigil.api.DumpInfo> dumps() {
            throw unavailable();
        }
    }
}
