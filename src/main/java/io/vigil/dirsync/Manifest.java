package io.vigil.dirsync;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Lists a directory tree without following symbolic links: a link is an item of its own (copied as
 * a link, never dereferenced), so a link pointing outside the tree can neither leak that data to
 * the peer nor make the receiver write outside its directory.
 */
final class Manifest {

    /** Prefix of the receiver's in-progress files; never listed, removed when found stale. */
    static final String TEMP_PREFIX = ".vigil-sync-";

    private Manifest() {
    }

    /**
     * Entries under {@code root} (not root itself), sorted by path so that a directory always
     * comes before what it holds.
     *
     * @param skipped told about sockets, fifos and devices, which are not replicated
     */
    static List<Entry> scan(Path root, Consumer<String> skipped) throws IOException {
        return scan(root, skipped, temp -> { });
    }

    /**
     * As {@link #scan(Path, Consumer)}, also telling {@code temps} about the temporary files it
     * skips (the receiver's stale ones, from a pass that was killed mid-file), so removing them
     * needs no second walk of the tree.
     */
    static List<Entry> scan(Path root, Consumer<String> skipped, Consumer<Path> temps) throws IOException {
        List<Entry> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    add(root, dir, out, skipped);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!isTemp(file)) {
                    add(root, file, out, skipped);
                } else {
                    temps.accept(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted while we walked: the next pass sees it gone
                }
                throw e;
            }
        });
        out.sort(Comparator.comparing(Entry::path));
        return out;
    }

    static boolean isTemp(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(TEMP_PREFIX);
    }

    private static void add(Path root, Path p, List<Entry> out, Consumer<String> skipped) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,isDirectory,isRegularFile,"
                    + "isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        String rel = relative(root, p);
        Entry.Type type;
        String target = "";
        if (Boolean.TRUE.equals(a.get("isSymbolicLink"))) {
            type = Entry.Type.LINK;
            target = Files.readSymbolicLink(p).toString();
        } else if (Boolean.TRUE.equals(a.get("isDirectory"))) {
            type = Entry.Type.DIR;
        } else if (Boolean.TRUE.equals(a.get("isRegularFile"))) {
            type = Entry.Type.FILE;
        } else {
            skipped.accept(rel + " is not a file, directory or link (socket, fifo or device): not replicated");
            return;
        }
        long size = type == Entry.Type.FILE ? (Long) a.get("size") : 0;
        out.add(new Entry(rel, type, size, nanos((FileTime) a.get("lastModifiedTime")),
                ((Integer) a.get("mode")) & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"), target));
    }

    static long nanos(FileTime t) {
        return t.to(TimeUnit.NANOSECONDS);
    }

    static String relative(Path root, Path p) {
        // The common case cheaply: p is root plus names (as the tree walk makes them), so the
        // relative name is the rest of the string. Anything else takes the general way below.
        String r = root.toString();
        String s = p.toString();
        if (s.length() > r.length() + 1 && s.startsWith(r) && s.charAt(r.length()) == '/' && !r.endsWith("/")
                && p.getFileSystem() == root.getFileSystem() && s.indexOf("//") < 0) {
            return s.substring(r.length() + 1);
        }
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(p)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
