package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Turns a relative path received from the peer into a path under the replicated directory,
 * refusing anything that could reach outside it ("..", absolute paths, a symbolic link on the
 * way). The peer is authenticated, but a host holding the cluster key, or a bug there, must not
 * become a write outside the tree (issue 10 item 1).
 *
 * <p>Every component between the root and the entry is checked with lstat (never following a
 * link) right before the receiver changes anything there: {@link #checkedParents}. Combined with
 * {@link Listing#check} and operations that never follow a final link (mkdir, symlink, unlink,
 * rename, and attribute changes with NOFOLLOW_LINKS), nothing is created, changed or deleted
 * through a link.
 */
final class SafePaths {

    private SafePaths() {
    }

    static Path resolve(Path root, String rel) throws CorruptStreamException {
        String why = Listing.nameProblem(rel);
        if (why != null) {
            throw new CorruptStreamException("refused path '" + Listing.printable(rel) + "': it " + why);
        }
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new CorruptStreamException("refused path '" + Listing.printable(rel)
                    + "': outside the replicated directory");
        }
        return p;
    }

    /**
     * {@link #resolve}, then checks that every directory between {@code root} and the entry is
     * at this moment a real directory, not a link.
     *
     * @throws IOException naming the entry and the component when one is a link or not a directory
     */
    static Path checkedParents(Path root, String rel) throws IOException {
        Path p = resolve(root, rel);
        Path bad = firstNonDirectory(root, p);
        if (bad != null) {
            throw new IOException("refused to change '" + Listing.printable(rel) + "': '"
                    + Listing.printable(root.relativize(bad).toString()) + "' on its way is not a directory here "
                    + "(a link, a file or gone: the tree changed during the pass); the next pass starts over");
        }
        return p;
    }

    /** Whether every directory between {@code root} and {@code p} is a real directory, not a link. */
    static boolean parentsAreDirectories(Path root, Path p) throws IOException {
        return firstNonDirectory(root, p) == null;
    }

    /** The outermost ancestor of {@code p} below {@code root} that is not a real directory, or null. */
    private static Path firstNonDirectory(Path root, Path p) throws IOException {
        Path rel = root.relativize(p);
        Path d = root;
        for (int i = 0; i < rel.getNameCount() - 1; i++) {
            d = d.resolve(rel.getName(i));
            if (!isRealDirectory(d)) {
                return d;
            }
        }
        return null;
    }

    private static boolean isRealDirectory(Path d) throws IOException {
        try {
            return Files.readAttributes(d, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory();
        } catch (NoSuchFileException e) {
            return false;
        }
    }
}
