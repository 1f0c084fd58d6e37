package io.vigil.setup;

import io.vigil.pki.ClusterTls;
import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a setup step writes, all or nothing (issue 12: "a failed step leaves the node as it was").
 * Every file or folder is first written beside its target; {@link #commit} then swaps each into
 * place, keeping the old one aside, runs the caller's check on the result (the configuration
 * loads, the certificates load), and puts every old one back if anything fails. Files are
 * created owner-only (they hold keys, hashes and the cluster key).
 */
final class SetupFiles {
    static final String NEW = ".setup-new";
    static final String OLD = ".setup-old";

    /** Checks the files once in place; throws to have them rolled back. */
    interface Check {
        void run() throws SetupException;
    }

    private record Entry(Path staged, Path target) { }

    private final List<Entry> entries = new ArrayList<>();
    private final List<Path> scratches = new ArrayList<>();
    private final List<Path> created = new ArrayList<>();

    /** Stages {@code content} for {@code target}. */
    void file(Path target, String content) throws IOException {
        Path staged = sibling(target, NEW);
        deleteTree(staged);
        PrivateFiles.writeString(staged, content);
        entries.add(new Entry(staged, target));
    }

    /** A fresh, empty folder to fill, which {@link #commit} moves to {@code target}. */
    Path folder(Path target) throws IOException {
        Path staged = sibling(target, NEW);
        deleteTree(staged);
        PrivateFiles.createDirectories(staged);
        entries.add(new Entry(staged, target));
        return staged;
    }

    /**
     * Creates the node's data folder when it does not exist, 0711 when {@code traversable} (the
     * database user must pass through it to reach its own data: README "The database"), else 0700.
     * An existing folder keeps its mode (the configuration's check then names the fix); one
     * created here is removed again if the step fails while it is still empty.
     */
    void dataFolder(Path dir, boolean traversable) throws IOException {
        if (!Files.exists(dir)) {
            if (traversable) {
                PrivateFiles.createTraversableDirectories(dir);
            } else {
                PrivateFiles.createDirectories(dir);
            }
            created.add(dir);
        }
    }

    /**
     * Stages a node's cluster certificates for {@code <dataDir>/tls}, written by
     * {@link ClusterTls#install} into a scratch folder of its own.
     */
    void tls(Path dataDir, X509Certificate ca, PrivateKey caKey, ClusterTls.Issued node) throws IOException {
        Path scratch = dataDir.resolve(".setup-tls");
        deleteTree(scratch);
        scratches.add(scratch);
        ClusterTls.install(scratch, ca, caKey, node);
        entries.add(new Entry(ClusterTls.dir(scratch), ClusterTls.dir(dataDir)));
    }

    /**
     * Moves everything into place, then runs {@code check}; on any failure restores what was there.
     *
     * @throws SetupException the move or the check failed; the node is as it was
     */
    void commit(Check check) throws SetupException {
        List<Entry> done = new ArrayList<>();
        try {
            for (Entry e : entries) {
                Path old = sibling(e.target(), OLD);
                deleteTree(old);
                if (Files.exists(e.target())) {
                    Files.move(e.target(), old);
                }
                done.add(e);
                Files.move(e.staged(), e.target());
            }
            check.run();
        } catch (IOException | SetupException | RuntimeException e) {
            rollback(done);
            abort();
            if (e instanceof SetupException s) {
                throw s;
            }
            throw new SetupException("cannot write " + e.getMessage() + ": nothing was changed on this node; check"
                    + " that the folder is writable and has space, then run the step again", e);
        }
        for (Entry e : entries) {
            quietlyDelete(sibling(e.target(), OLD));
        }
        scratches.forEach(SetupFiles::quietlyDelete);
    }

    /** Removes everything staged and not committed, and the folders created for it while still empty. */
    void abort() {
        for (Entry e : entries) {
            quietlyDelete(e.staged());
        }
        scratches.forEach(SetupFiles::quietlyDelete);
        for (Path d : created) {
            try {
                Files.deleteIfExists(d); // fails, and is kept, when not empty
            } catch (IOException e) {
                // not empty: something else was put there meanwhile
            }
        }
    }

    private static void rollback(List<Entry> done) {
        for (int i = done.size() - 1; i >= 0; i--) {
            Entry e = done.get(i);
            Path old = sibling(e.target(), OLD);
            try {
                if (Files.exists(e.target()) && !Files.exists(e.staged())) {
                    deleteTree(e.target());
                }
                if (Files.exists(old)) {
                    Files.move(old, e.target());
                }
            } catch (IOException x) {
                // best effort: the old copy stays at .setup-old, where an operator finds it
            }
        }
    }

    static Path sibling(Path target, String suffix) {
        return target.resolveSibling(target.getFileName() + suffix);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    private static void quietlyDelete(Path p) {
        try {
            deleteTree(p);
        } catch (IOException e) {
            // a leftover .setup-new/.setup-old is harmless and replaced by the next run
        }
    }
}
