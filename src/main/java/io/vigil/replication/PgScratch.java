package io.vigil.replication;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A place of its own for the PostgreSQL data of a demo, a test or a benchmark (issue 16).
 *
 * <p>PostgreSQL runs as a non-root OS user, which must be able to enter every directory above its
 * data. A checkout under root's home (mode 0700) or a {@code mktemp -d} folder is not such a place,
 * so the data cannot live beside the demo's configuration files. It goes into a fresh directory
 * under {@code /var/tmp} instead: a random name created by this process (so nobody can have
 * prepared it, /var/tmp being writable by all), owned by the caller, mode 0711: the database user
 * can pass through to the per-node directory it is given, and nobody can list it. Production
 * configurations keep their data under {@code /var/lib/vigil}.
 */
public final class PgScratch {
    private static final Path BASE = Path.of("/var/tmp");
    private static final String PREFIX = "vigil-pg-";

    private PgScratch() {
    }

    /** A new, empty directory, e.g. {@code /var/tmp/vigil-pg-demo-1234567}. */
    public static Path create(String label) throws IOException {
        Path dir = Files.createTempDirectory(BASE, PREFIX + label + "-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        return dir;
    }

    /** True for a directory {@link #create} made (by its name and place), so only those are ever deleted. */
    public static boolean isScratch(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return BASE.equals(abs.getParent()) && abs.getFileName().toString().startsWith(PREFIX)
                && Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Removes a directory made by {@link #create} and everything in it, never following a link.
     * Anything else is left alone; a file that cannot be removed (a server still writing) is skipped.
     */
    public static void delete(Path dir) {
        if (!isScratch(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir.toAbsolutePath().normalize(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    deleteQuietly(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    deleteQuietly(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) {
                    deleteQuietly(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Best effort: what is left is in /var/tmp, which the system cleans.
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // see delete()
        }
    }
}
