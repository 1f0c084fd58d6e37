package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The receiver's bookkeeping for one pass: compares the source's listing with the local tree,
 * applies deletions, directories, links and metadata locally, lists the files to fetch and keeps
 * the progress figures.
 */
final class Pass {

    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

    private final String name;
    private final Path root;
    private final List<Entry> remote;
    private final boolean asRoot;
    private final SyncListener listener;
    private final Map<String, Entry> local = new HashMap<>();
    private final List<Entry> toFetch = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private long dataBytes;
    private long bytesTotal;
    private long bytesDone;
    private long currentDone;
    private int filesDone;
    private int transferred;
    private long transferBytes;
    private long literalBytes;
    private int retries;
    private long lastReport;

    Pass(String name, Path root, List<Entry> remote, boolean asRoot, SyncListener listener) {
        this.name = name;
        this.root = root;
        this.remote = remote;
        this.asRoot = asRoot;
        this.listener = listener;
    }

    /** The receiver's own tree as found before the pass: its entries, and stale temporary files to remove. */
    record LocalTree(List<Entry> entries, List<Path> staleTemps) {
        /** Scans {@code root} (read-only: it may run while the source's listing arrives). */
        static LocalTree scan(Path root) throws IOException {
            List<Path> temps = new ArrayList<>();
            List<Entry> entries = Manifest.scan(root, skipped -> { }, temps::add);
            return new LocalTree(entries, temps);
        }
    }

    /**
     * Brings everything but file content in line with the source.
     *
     * @param found the local tree, scanned (by {@link LocalTree#scan}) before or while the listing arrived
     * @return how many local entries were deleted
     */
    int prepare(LocalTree found) throws IOException {
        Listing.check(name, remote); // before anything is touched: a refused listing changes nothing
        for (Entry e : found.entries()) {
            local.put(e.path(), e);
        }
        for (Path temp : found.staleTemps()) {
            Files.deleteIfExists(temp); // left by a pass that was killed mid-file
        }
        Map<String, Entry> want = new HashMap<>();
        for (Entry e : remote) {
            want.put(e.path(), e);
        }
        int deleted = deleteExtras(want);
        for (Entry e : remote) {
            Entry have = local.get(e.path());
            // Each change below checks every directory on its way first (SafePaths.checkedParents);
            // an entry that needs no change is not touched, so it needs no check.
            if (e.type() == Entry.Type.FILE) {
                dataBytes += e.size();
                if (e.contentDiffers(have)) {
                    toFetch.add(e);
                    bytesTotal += e.size();
                } else if (Attributes.differ(e, have, asRoot)) {
                    Attributes.apply(SafePaths.checkedParents(root, e.path()), e, asRoot);
                }
            } else if (e.type() == Entry.Type.DIR && have == null) {
                Files.createDirectory(SafePaths.checkedParents(root, e.path()));
            } else if (e.type() == Entry.Type.LINK && have == null) {
                Files.createSymbolicLink(SafePaths.checkedParents(root, e.path()), Path.of(e.linkTarget()));
            }
        }
        report(true);
        return deleted;
    }

    /** Deletes (deepest first) what the source lacks, and what has another type or link target there. */
    private int deleteExtras(Map<String, Entry> want) throws IOException {
        List<Entry> doomed = new ArrayList<>();
        for (Entry have : local.values()) {
            Entry w = want.get(have.path());
            if (w == null || w.type() != have.type()
                    || w.type() == Entry.Type.LINK && !w.linkTarget().equals(have.linkTarget())) {
                doomed.add(have);
            }
        }
        doomed.sort(Comparator.comparing(Entry::path).reversed());
        for (Entry d : doomed) {
            Path p = SafePaths.checkedParents(root, d.path());
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                deleteTree(p); // held only temp files or unreplicable ones (sockets...)
            }
            local.remove(d.path());
        }
        return doomed.size();
    }

    private static void deleteTree(Path p) throws IOException {
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Directory modes and mtimes last, deepest first: creating their content changed the mtimes. */
    void finishDirectories() throws IOException {
        for (int i = remote.size() - 1; i >= 0; i--) {
            Entry e = remote.get(i);
            if (e.type() != Entry.Type.DIR) {
                continue;
            }
            try {
                Attributes.apply(SafePaths.checkedParents(root, e.path()), e, asRoot);
            } catch (NoSuchFileException ex) {
                // removed locally during the pass; the next pass recreates it
            }
        }
        report(true);
    }

    List<Entry> toFetch() {
        return toFetch;
    }

    /** Size of the old copy to use as the basis, or -1 when there is none. */
    long basisSize(String path) {
        Entry have = local.get(path);
        return have != null && have.type() == Entry.Type.FILE && Files.isRegularFile(root.resolve(path),
                LinkOption.NOFOLLOW_LINKS) ? have.size() : -1;
    }

    /** Where {@code e} is written, once every directory on its way is checked to be a real one. */
    Path target(Entry e) throws IOException {
        return SafePaths.checkedParents(root, e.path());
    }

    void written(long bytes) {
        currentDone = bytes;
        report(false);
    }

    void fetched(Entry e, FileFetcher.Outcome outcome, long literal) {
        filesDone++;
        bytesDone += e.size();
        currentDone = 0;
        if (outcome == FileFetcher.Outcome.INSTALLED) {
            literalBytes += literal;
            transferred++;
            transferBytes += e.size();
        }
        report(false);
    }

    /** Counts a failed attempt; gives up (rethrows) after {@link DirSyncClient#ATTEMPTS}. */
    void retried(IOException why, int attempt) throws IOException {
        retries++;
        if (attempt >= DirSyncClient.ATTEMPTS) {
            throw new IOException("gave up on '" + name + "' after " + attempt + " attempts: " + why.getMessage(), why);
        }
    }

    private void report(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastReport < PROGRESS_EVERY_NANOS) {
            return;
        }
        lastReport = now;
        long done = bytesDone + currentDone;
        long elapsed = now - startNanos;
        long eta = done <= 0 ? -1 : (long) ((double) elapsed / done * (bytesTotal - done) / 1_000_000);
        listener.progress(new Progress(name, filesDone, toFetch.size(), Math.min(done, bytesTotal), bytesTotal,
                Math.max(eta, done >= bytesTotal ? 0 : -1)));
    }

    long dataBytes() {
        return dataBytes;
    }

    int transferred() {
        return transferred;
    }

    long transferBytes() {
        return transferBytes;
    }

    long literalBytes() {
        return literalBytes;
    }

    int retries() {
        return retries;
    }
}
