package io.vigil.bench;

import io.vigil.dirsync.DirSyncClient;
import io.vigil.dirsync.HostileSource;
import io.vigil.dirsync.SyncListener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Directory replication listings and file messages through the real receiver: a
 * {@link DirSyncClient} pulls into a fresh directory from a {@link HostileSource} that holds a
 * certificate of the cluster CA and answers with generated and mutated messages (hostile entries: links out of the tree and
 * entries below them, "..", absolute names, NUL, duplicates, type clashes, impossible sizes; and
 * file answers with bad deltas, lengths and checksums). The pull's documented failure is an
 * {@link IOException}; anything else is a crash. Every case has an "outside" directory next to
 * the replicated one, which hostile links point at: any change outside the replicated directory
 * is counted as a state change (issue 10 item 1: the receiver must touch nothing outside it).
 */
final class DirSyncFuzz implements FuzzTarget {

    private static final int CLIENT_TIMEOUT_MS = 300;
    private static final String[] NAMES = {"a", "b", "d", "d/e", "d/e/f", "l", "l/x", "l/x.service", "l/d/y",
            "../escape", "../outside/z", "/abs", "d/../l", ".", "", "a\u0000b", "d//e", "d/", "\u00e9t\u00e9",
            "x".repeat(300), ".vigil-sync-stale"};
    private static final String[] TYPES = {"FILE", "DIR", "LINK"};

    /**
     * Hostile links are relative ("../outside"); mutations can lengthen them by at most a few
     * dozen "../", so the cases run this deep below the scratch directory and a case whose
     * listing still holds an absolute or a deeper-climbing link target is not run (counted as
     * rejected, reported on stderr): the receiver under test may follow links, and nothing it
     * does may reach the real system.
     */
    private static final int SANDBOX_DEPTH = 24;

    /**
     * A pull retries a failed file on new connections ({@code DirSyncClient.ATTEMPTS}), each
     * waiting up to the client's read timeout: a case legitimately takes a few of those.
     */
    private static final long CASE_TIMEOUT_MS = 5000;

    private final Path work;
    private final Path cases;
    private long caseNo;
    private final HostileSource source;
    private final DirSyncClient client;

    DirSyncFuzz(Path work) throws IOException {
        this.work = work.resolve("dirsync");
        this.cases = this.work.resolve("s/".repeat(SANDBOX_DEPTH).substring(0, 2 * SANDBOX_DEPTH - 1));
        Files.createDirectories(this.work);
        FuzzTls tls = FuzzTls.provision(work.resolve("dirsync-tls")); // beside this.work: never in a snapshot
        this.source = new HostileSource(tls.source());
        this.client = new DirSyncClient("127.0.0.1", source.port(), tls.receiver(), CLIENT_TIMEOUT_MS);
        warmUp();
    }

    /** A few empty pulls before the timed cases, so a cold JIT is not reported as a hang. */
    private void warmUp() throws IOException {
        byte[] end = {HostileSource.END, 0, 0, 0, 0};
        source.script(List.of(end), List.of());
        Path root = work.resolve("warm-up");
        IOException last = null;
        int done = 0;
        for (int i = 0; i < 40 && done < 20; i++) {
            try {
                client.pull("dir", root, SyncListener.NONE);
                done++;
            } catch (IOException e) {
                last = e; // a cold JVM's first TLS handshakes may take longer than the client's timeout
            }
        }
        if (done < 20) {
            throw new IOException("the fuzz receiver cannot pull from the hostile source even unscripted", last);
        }
        io.vigil.demo.LocalCluster.deleteTree(root);
    }

    @Override
    public long timeoutMs() {
        return CASE_TIMEOUT_MS;
    }

    @Override
    public String name() {
        return "dirsync";
    }

    /** The case: a listing script, then a file script, each message length-prefixed. */
    @Override
    public byte[] generate(SplittableRandom r) {
        List<byte[]> listing = listing(r);
        List<byte[]> file = fileAnswer(r);
        if (r.nextInt(3) == 0) {
            List<byte[]> victim = r.nextBoolean() || file.isEmpty() ? listing : file;
            if (!victim.isEmpty()) {
                int i = r.nextInt(victim.size());
                victim.set(i, Mutator.mutate(victim.get(i), r));
            }
        }
        ByteBuffer b = ByteBuffer.allocate(8 + size(listing) + size(file));
        put(b, listing);
        put(b, file);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Override
    public Verdict feed(byte[] input) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(input);
        List<byte[]> listing = get(b);
        List<byte[]> file = get(b);
        if (!SafeListing.linksStayWithin(listing, SANDBOX_DEPTH)) {
            return Verdict.REJECTED;
        }
        // A directory per case: a case abandoned as hung may still be running in the background.
        Path caseDir = cases.resolve(Long.toString(caseNo++));
        Path root = caseDir.resolve("root");
        Path outside = caseDir.resolve("outside");
        Files.createDirectories(outside.resolve("sub"));
        Files.writeString(outside.resolve("keep.txt"), "outside the replicated directory");
        Files.createDirectories(root);
        source.script(listing, file);
        String before = TreeSnapshot.of(work, root);
        Verdict v;
        try {
            client.pull("dir", root, SyncListener.NONE);
            v = Verdict.ACCEPTED;
        } catch (IOException e) {
            v = Verdict.REJECTED;
        }
        String after = TreeSnapshot.of(work, root);
        if (!after.equals(before)) {
            v = Verdict.stateChange("write outside the replicated directory", "the pull changed files outside "
                    + "the replicated directory " + root + ": " + TreeSnapshot.diff(before, after));
        }
        TreeSnapshot.delete(caseDir);
        return v;
    }

    private List<byte[]> listing(SplittableRandom r) {
        List<byte[]> out = new ArrayList<>();
        int total = 0;
        if (r.nextInt(4) == 0) {
            out.add(linkThenBelow(r));
            total = 2;
        }
        int messages = r.nextInt(3);
        for (int m = 0; m < messages; m++) {
            int n = r.nextInt(6);
            ByteBuffer b = ByteBuffer.allocate(16 * 1024).put(HostileSource.ENTRIES).putInt(n);
            for (int i = 0; i < n; i++) {
                entry(b, r, name(r));
            }
            total += n;
            out.add(bytes(b));
        }
        if (r.nextInt(10) == 0) {
            ByteBuffer b = ByteBuffer.allocate(1024).put(HostileSource.ERROR);
            putString(b, Mutator.edgeString(r));
            out.add(bytes(b));
        }
        if (r.nextInt(10) != 0) {
            out.add(bytes(ByteBuffer.allocate(5).put(HostileSource.END).putInt(r.nextInt(8) == 0 ? total + 1 : total)));
        }
        return out;
    }

    /**
     * The listing of issue 10 item 1: a link out of the tree, then an entry below it (a directory,
     * a file or a link), which a receiver that follows the link creates outside its directory.
     */
    private byte[] linkThenBelow(SplittableRandom r) {
        ByteBuffer b = ByteBuffer.allocate(1024).put(HostileSource.ENTRIES).putInt(2);
        putString(b, "l");
        b.put((byte) 2).putLong(0).putLong(1_700_000_000_000_000_000L).putInt(0777).putInt(0).putInt(0);
        putString(b, r.nextBoolean() ? "../outside" : "../outside/sub");
        putString(b, "l/" + (r.nextBoolean() ? "x" : "keep.txt"));
        int type = r.nextInt(3);
        b.put((byte) type).putLong(type == 0 ? 5 : 0).putLong(1_700_000_000_000_000_000L).putInt(04777)
                .putInt(0).putInt(0);
        putString(b, type == 2 ? "../../root" : "");
        return bytes(b);
    }

    /** One entry; links point only into this case's directory, so no outcome can reach the real system. */
    private void entry(ByteBuffer b, SplittableRandom r, String path) {
        int type = r.nextInt(TYPES.length);
        putString(b, path);
        b.put((byte) type);
        b.putLong(type == 0 ? (r.nextInt(8) == 0 ? Mutator.edgeLong(r) : r.nextInt(64)) : 0);
        b.putLong(r.nextInt(4) == 0 ? Mutator.edgeLong(r) : 1_700_000_000_000_000_000L + r.nextInt(1000));
        b.putInt(r.nextInt(6) == 0 ? Mutator.edgeInt(r) : r.nextInt(07777 + 1));
        b.putInt(r.nextInt(4) == 0 ? Mutator.edgeInt(r) : 0);
        b.putInt(r.nextInt(4) == 0 ? Mutator.edgeInt(r) : 0);
        String[] targets = {"../outside", "../outside/sub", "..", "a", "d", "l", "", "../../.."};
        putString(b, type == 2 ? targets[r.nextInt(targets.length)] : "");
    }

    private List<byte[]> fileAnswer(SplittableRandom r) {
        List<byte[]> out = new ArrayList<>();
        int roll = r.nextInt(10);
        if (roll == 0) {
            return out;
        }
        if (roll == 1) {
            ByteBuffer b = ByteBuffer.allocate(1024).put(HostileSource.GONE);
            putString(b, Mutator.edgeString(r));
            out.add(bytes(b));
            return out;
        }
        ByteBuffer f = ByteBuffer.allocate(2048).put(HostileSource.FILE);
        entry(f, r, name(r));
        out.add(bytes(f));
        byte[] content = Mutator.randomBytes(r, r.nextInt(64));
        ByteBuffer d = ByteBuffer.allocate(4096).put(HostileSource.DELTA);
        int ops = r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            if (r.nextInt(3) == 0) {
                d.put(HostileSource.OP_COPY).putInt(Mutator.edgeInt(r)).putInt(Mutator.edgeInt(r));
            } else {
                boolean lie = r.nextInt(8) == 0;
                d.put(HostileSource.OP_LITERAL).putInt(lie ? Mutator.edgeInt(r) : content.length).put(content);
            }
        }
        out.add(bytes(d));
        byte[] whole = content.clone();
        ByteBuffer end = ByteBuffer.allocate(64).put(HostileSource.FILE_END)
                .putLong(r.nextInt(4) == 0 ? Mutator.edgeLong(r) : (long) content.length * ops)
                .put(r.nextBoolean() ? HostileSource.checksum(whole) : Mutator.randomBytes(r, 16))
                .putLong(Mutator.edgeLong(r));
        out.add(bytes(end));
        return out;
    }

    private static String name(SplittableRandom r) {
        return NAMES[r.nextInt(NAMES.length)];
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) bytes.length).put(bytes);
    }

    private static byte[] bytes(ByteBuffer b) {
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static int size(List<byte[]> messages) {
        return messages.stream().mapToInt(m -> 4 + m.length).sum();
    }

    private static void put(ByteBuffer b, List<byte[]> messages) {
        b.putInt(messages.size());
        messages.forEach(m -> b.putInt(m.length).put(m));
    }

    private static List<byte[]> get(ByteBuffer b) {
        List<byte[]> out = new ArrayList<>();
        for (int n = b.getInt(); n > 0; n--) {
            byte[] m = new byte[b.getInt()];
            b.get(m);
            out.add(m);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
