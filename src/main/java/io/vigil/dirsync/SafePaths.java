package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a relative path received from the peer into a path under the replicated directory,
 * refusing anything that could reach outside it ("..", absolute paths, a symbolic link on the
 * way). The peer is authenticated, but a bug there must not become a write outside the tree.
 */
final class SafePaths {

    private SafePaths() {
    }

    static Path resolve(Path root, String rel) throws CorruptStreamException {
        if (rel.isEmpty() || rel.startsWith("/") || rel.indexOf('\0') >= 0) {
            throw new CorruptStreamException("refused path '" + rel + "': not a relative path");
        }
        for (String part : rel.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new CorruptStreamException("refused path '" + rel + "': empty, '.' or '..' component");
            }
        }
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new CorruptStreamException("refused path '" + rel + "': outside the replicated directory");
        }
        return p;
    }

    /** Whether every directory between {@code root} and {@code p} is a real directory, not a link. */
    static boolean parentsAreDirectories(Path root, Path p) throws IOException {
        for (Path d = p.getParent(); d != null && !d.equals(root); d = d.getParent()) {
            if (Files.isSymbolicLink(d) || !Files.isDirectory(d)) {
                return false;
            }
        }
        return true;
    }
}
