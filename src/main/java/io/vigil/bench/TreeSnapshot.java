package io.vigil.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What a directory tree holds (paths, types, sizes, modes, owners, mtimes, link targets), without following links. */
final class TreeSnapshot {

    private TreeSnapshot() {
    }

    /** One line per item under {@code top}, sorted; the subtree {@code excluded} is left out. */
    static String of(Path top, Path excluded) throws IOException {
        TreeSet<String> lines = new TreeSet<>();
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(excluded)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                lines.add(describe(top, dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                lines.add(describe(top, file));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                lines.add(top.relativize(file) + " unreadable: " + e); // a mode-0000 directory, without root
                return FileVisitResult.CONTINUE;
            }
        });
        return String.join("\n", lines);
    }

    /**
     * Deletes a tree that a hostile listing may have filled with mode-0000 directories: each
     * directory is made accessible to its owner first (not following links), so this works
     * without root too.
     */
    static void delete(Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The lines only in {@code before} (-) and only in {@code after} (+). */
    static String diff(String before, String after) {
        List<String> b = List.of(before.split("\n"));
        List<String> a = List.of(after.split("\n"));
        List<String> out = new ArrayList<>();
        b.stream().filter(x -> !a.contains(x)).forEach(x -> out.add("- " + x));
        a.stream().filter(x -> !b.contains(x)).forEach(x -> out.add("+ " + x));
        return String.join("; ", out);
    }

    /** Numeric owner and mode: looking names up would cost more than the rest of a case. */
    private static String describe(Path top, Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,isDirectory,"
                + "isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
        String kind = Boolean.TRUE.equals(a.get("isSymbolicLink")) ? "link->" + Files.readSymbolicLink(p)
                : Boolean.TRUE.equals(a.get("isDirectory")) ? "dir" : "file " + a.get("size");
        return top.relativize(p) + " " + kind + " mode " + Integer.toOctalString((Integer) a.get("mode")) + " "
                + a.get("uid") + ":" + a.get("gid") + " " + a.get("lastModifiedTime");
    }
}
