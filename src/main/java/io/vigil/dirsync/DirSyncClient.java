package io.vigil.dirsync;

import io.vigil.pki.ClusterTls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * The receiving side (SECOND): pulls one directory from the source in one pass. Each pass lists
 * the source, deletes what it no longer has, creates directories and links, and fetches every
 * file whose size or mtime differs (rsync's quick check) by delta transfer. A file whose stream
 * is damaged is fetched again on a fresh connection, one that fails its checksum is fetched again
 * whole; after {@link #ATTEMPTS} tries the pass fails and the next pass starts over.
 */
public final class DirSyncClient {

    static final int ATTEMPTS = 3;
    private static final int WINDOW = 32;
    private static final int CONNECT_TIMEOUT_MS = 5000;
    /**
     * Most entries a listing may have (and, times {@link #NAME_CHARS_PER_ENTRY}, most characters
     * of names and link targets): the whole listing is held in memory, so a source streaming
     * entries without end must meet a refusal, not exhaust the node's heap.
     */
    static final int MAX_ENTRIES = 1_000_000;
    private static final long NAME_CHARS_PER_ENTRY = 64;

    private final String host;
    private final int port;
    private final ClusterTls tls;
    private final int timeoutMs;
    private final int maxEntries;
    private final boolean asRoot = "root".equals(System.getProperty("user.name"));
    /** Block signatures of the files this client installed, and the block key they are computed under. */
    private final SignatureCache cache = new SignatureCache();

    /**
     * @param tls       this node's cluster certificates: the source must prove a certificate of the
     *                  same CA that names {@code host}
     * @param timeoutMs how long a read may wait for the source before the connection counts as lost
     */
    public DirSyncClient(String host, int port, ClusterTls tls, int timeoutMs) {
        this(host, port, tls, timeoutMs, MAX_ENTRIES);
    }

    /** As the public constructor, with another limit on a listing's entries (tests use a small one). */
    DirSyncClient(String host, int port, ClusterTls tls, int timeoutMs, int maxEntries) {
        this.maxEntries = maxEntries;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.timeoutMs = timeoutMs;
    }

    public String address() {
        return host + ":" + port;
    }

    /**
     * Makes {@code root} a copy of the source's directory {@code name}.
     *
     * @throws AuthenticationException when the peer is not this cluster's (TLS refused) or speaks
     *                                 another protocol version (retrying will not help)
     * @throws RemoteRefusal           when the source will not serve it (not PRIM, unknown name)
     * @throws IOException             when the source is unreachable or a file kept failing
     */
    public SyncResult pull(String name, Path root, SyncListener listener) throws IOException {
        return pull(name, root, listener, () -> true);
    }

    /**
     * As {@link #pull(String, Path, SyncListener)}, stopping before the next file once {@code proceed}
     * turns false (the node stopped being SECOND: nothing may be written into its directories then).
     */
    public SyncResult pull(String name, Path root, SyncListener listener, BooleanSupplier proceed)
            throws IOException {
        long t0 = System.nanoTime();
        AtomicLong wire = new AtomicLong();
        cache.passStarted();
        TlsChannel ch;
        try {
            ch = connect(wire);
        } catch (IOException | RuntimeException e) {
            cache.passEnded();
            throw e;
        }
        try {
            // The local tree is scanned while the source scans and sends its own (they used to take turns).
            FutureTask<Pass.LocalTree> localScan = Files.isDirectory(root) ? scanInBackground(root) : null;
            List<Entry> remote = list(ch, name);
            Files.createDirectories(root);
            Pass pass = new Pass(name, root, remote, asRoot, listener);
            int deleted = pass.prepare(localScan != null ? result(localScan) : Pass.LocalTree.scan(root));
            ch = fetchAll(ch, wire, name, pass, proceed);
            pass.finishDirectories();
            return new SyncResult(name, remote.size(), pass.dataBytes(), pass.transferred(), pass.transferBytes(),
                    pass.literalBytes(), wire.get(), deleted, pass.retries(), (System.nanoTime() - t0) / 1_000_000);
        } finally {
            ch.close();
            cache.passEnded();
        }
    }

    /**
     * Fetches every file the pass needs. Requests without signatures are a few bytes, so up to
     * {@link #WINDOW} of them are kept in flight and many small files do not cost a round trip
     * each; a request with signatures (possibly megabytes) goes out alone, so neither side can
     * block writing while the other does too. Files are written and installed by disk threads
     * ({@link WriteBehind}); the pass ends only when every file it handed over is installed.
     */
    private TlsChannel fetchAll(TlsChannel first, AtomicLong wire, String name, Pass pass,
                                   BooleanSupplier proceed) throws IOException {
        TlsChannel ch = first;
        FileFetcher fetcher = new FileFetcher(ch, asRoot, cache);
        Deque<Job> queue = new ArrayDeque<>();
        pass.toFetch().forEach(e -> queue.add(new Job(e)));
        Deque<Job> inflight = new ArrayDeque<>();
        ExecutorService signer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vigil-dirsync-signer");
            t.setDaemon(true);
            return t;
        });
        try (WriteBehind writer = new WriteBehind()) { // closing it discards whatever a failed pass left queued
            while (!queue.isEmpty() || !inflight.isEmpty() || writer.pending() > 0) {
                if (!proceed.getAsBoolean()) {
                    throw new IOException("pass over '" + name + "' stopped: this node no longer follows the peer");
                }
                if (queue.isEmpty() && inflight.isEmpty()) {
                    completed(pass, queue, writer.completed(true));
                    continue;
                }
                send(fetcher, name, pass, queue, inflight);
                prepareNext(fetcher, signer, pass, queue);
                Job job = inflight.poll();
                try {
                    if (fetcher.receive(job.request, job, writer, pass::written) == null) {
                        pass.fetched(job.entry, FileFetcher.Outcome.GONE, 0);
                    }
                } catch (CorruptStreamException | java.io.EOFException | java.net.SocketException ex) {
                    pass.retried(ex, ++job.attempts);
                    while (!inflight.isEmpty()) {
                        queue.addFirst(inflight.pollLast()); // asked on the broken connection: ask again
                    }
                    queue.addFirst(job);
                    ch.close();
                    ch = connect(wire);
                    fetcher = new FileFetcher(ch, asRoot, cache);
                }
                for (WriteBehind.Done d = writer.completed(false); d != null; d = writer.completed(false)) {
                    completed(pass, queue, d);
                }
            }
        } finally {
            signer.shutdownNow();
        }
        return ch;
    }

    /**
     * Has the next file's signatures computed while the source answers the requests in flight
     * (only the next one: at most one file's signatures wait in memory).
     */
    private static void prepareNext(FileFetcher fetcher, ExecutorService signer, Pass pass, Deque<Job> queue)
            throws IOException {
        Job next = queue.peek();
        if (next == null || next.whole || next.prepared != null) {
            return;
        }
        long basis = pass.basisSize(next.entry.path());
        if (basis > 0) {
            next.prepared = fetcher.prepare(signer, next.entry, pass.target(next.entry), basis);
        }
    }

    /** Counts an installed file, or queues a failed one again (whole, in case the old copy was the problem). */
    private static void completed(Pass pass, Deque<Job> queue, WriteBehind.Done d) throws IOException {
        Job job = (Job) d.job;
        if (d.failure == null) {
            pass.fetched(job.entry, FileFetcher.Outcome.INSTALLED, d.literal);
        } else if (d.failure instanceof DeltaApplier.BadFileException || d.failure instanceof CorruptStreamException) {
            pass.retried(d.failure, ++job.attempts);
            job.whole = true; // a block checksum collided or the old copy changed: resend it all
            queue.addFirst(job);
        } else {
            throw d.failure;
        }
    }

    private static void send(FileFetcher fetcher, String name, Pass pass, Deque<Job> queue,
                             Deque<Job> inflight) throws IOException {
        while (!queue.isEmpty() && inflight.size() < WINDOW) {
            Job job = queue.peek();
            long basis = job.whole ? -1 : pass.basisSize(job.entry.path());
            if (basis > 0 && !inflight.isEmpty()) {
                break;
            }
            queue.poll();
            Path target = pass.target(job.entry);
            job.request = fetcher.request(name, job.entry, target, basis, job.prepared);
            job.prepared = null;
            inflight.add(job);
            if (basis > 0) {
                break;
            }
        }
        fetcher.flush();
    }

    private static FutureTask<Pass.LocalTree> scanInBackground(Path root) {
        FutureTask<Pass.LocalTree> task = new FutureTask<>(() -> Pass.LocalTree.scan(root));
        Thread t = new Thread(task, "vigil-dirsync-scan");
        t.setDaemon(true);
        t.start();
        return task;
    }

    private static Pass.LocalTree result(FutureTask<Pass.LocalTree> scan) throws IOException {
        try {
            return scan.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while scanning the local copy");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("scanning the local copy failed: " + e.getCause(), e.getCause());
        }
    }

    private void checkSize(String name, int entries, long nameChars) throws RefusedListingException {
        if (entries > maxEntries || nameChars > maxEntries * NAME_CHARS_PER_ENTRY) {
            throw new RefusedListingException("refused the listing of '" + name + "' from the source: more than "
                    + maxEntries + " entries (or " + maxEntries * NAME_CHARS_PER_ENTRY + " characters of names), "
                    + "more than a replicated directory may hold; nothing was changed. Split the directory into "
                    + "several replication.directories, or check the peer node");
        }
    }

    /** One file to fetch, and how often it failed in this pass. */
    private static final class Job {
        final Entry entry;
        int attempts;
        boolean whole;
        FileFetcher.Request request;
        FileFetcher.Prepared prepared;

        Job(Entry entry) {
            this.entry = entry;
        }
    }

    private TlsChannel connect(AtomicLong wire) throws IOException {
        javax.net.ssl.SSLSocket s;
        try {
            // TLS 1.3 of the cluster CA; the handshake happens here, with the connect timeout
            s = tls.connect(host, port, Math.min(timeoutMs, CONNECT_TIMEOUT_MS));
        } catch (SSLException e) {
            throw refused(e);
        } catch (IOException e) {
            throw new IOException("cannot reach the replication source at " + address() + " (" + e.getMessage()
                    + "): is the peer node running, and replication.peerAddress/peerPort right?", e);
        }
        try {
            s.setSoTimeout(timeoutMs);
            s.setTcpNoDelay(true);
            return TlsChannel.client(s, wire, cache.connectionKey());
        } catch (SSLException e) {
            s.close();
            throw refused(e);
        } catch (AuthenticationException e) {
            s.close();
            throw e;
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot reach the replication source at " + address() + ": it closed the"
                    + " connection during the hello (" + e.getMessage() + "); it may be overloaded, or have refused"
                    + " this node (its log says why)", e);
        }
    }

    /**
     * Waits until the files the passes installed whole have their signatures kept for the next
     * pass (they are computed between passes, not during the copy); false after {@code limit}.
     * For benchmarks and tests: a node never needs to wait, a pass that comes first signs the
     * old copies it needs itself.
     */
    public boolean awaitBackgroundSignatures(java.time.Duration limit) throws InterruptedException {
        return cache.awaitSigned(limit.toMillis());
    }

    /** The signatures kept between passes (tests). */
    SignatureCache signatureCache() {
        return cache;
    }

    private AuthenticationException refused(SSLException e) {
        return new AuthenticationException("the replication peer at " + address() + " is refused: "
                + TlsRefusals.byClient(e, host));
    }

    private List<Entry> list(TlsChannel ch, String name) throws IOException {
        FrameWriter frames = new FrameWriter(ch);
        Codec.putString(frames.begin(Codec.LIST), name);
        frames.send();
        frames.flush();
        List<Entry> out = new ArrayList<>();
        long nameChars = 0;
        try {
            while (true) {
                ByteBuffer m = ch.receive();
                byte type = Codec.type(m);
                if (type == Codec.ERROR) {
                    throw new RemoteRefusal(Codec.getString(m));
                } else if (type == Codec.END) {
                    if (m.getInt() != out.size()) {
                        throw new CorruptStreamException("the listing of '" + name + "' is incomplete");
                    }
                    return out;
                } else if (type == Codec.ENTRIES) {
                    for (int n = m.getInt(); n > 0; n--) {
                        Entry e = Entry.read(m);
                        nameChars += e.path().length() + e.linkTarget().length();
                        out.add(e);
                        checkSize(name, out.size(), nameChars);
                    }
                } else {
                    throw new CorruptStreamException("unexpected message type " + type + " in a listing");
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptStreamException("listing message shorter than its fields", e);
        }
    }
}
