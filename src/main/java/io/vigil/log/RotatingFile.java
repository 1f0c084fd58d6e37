package io.vigil.log;

import io.vigil.security.PrivateFiles;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A line-oriented append-only file rotated by size: {@code name} is current, {@code name.1} the
 * newest old file, up to {@code name.<keepFiles>}.
 *
 * <p>Each line goes straight to the OS with one {@code write} (no user-space buffer), so a
 * {@code kill -9} of the daemon loses nothing already appended; only a machine crash can lose
 * the last lines, which an fsync per line would prevent at a cost logs are not worth.
 * Thread-safe: appends, rotation and reads are serialised on this object.
 */
public final class RotatingFile implements Closeable {

    private final Path file;
    private final long maxFileBytes;
    private final int keepFiles;
    private FileChannel channel;
    private long size;

    public RotatingFile(Path file, long maxFileBytes, int keepFiles) throws IOException {
        if (maxFileBytes <= 0 || keepFiles < 0) {
            throw new IllegalArgumentException("maxFileBytes must be positive and keepFiles >= 0");
        }
        this.file = file;
        this.maxFileBytes = maxFileBytes;
        this.keepFiles = keepFiles;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            PrivateFiles.createDirectories(parent);
        }
        open();
    }

    /**
     * Appends one line. Line breaks inside {@code line} are written as {@code \n} so that one
     * call is always one line when read back.
     */
    public synchronized void append(String line) throws IOException {
        if (channel == null) {
            throw new IOException(file + " is closed");
        }
        String oneLine = line.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
        byte[] bytes = (oneLine + "\n").getBytes(StandardCharsets.UTF_8);
        if (size > 0 && size + bytes.length > maxFileBytes) {
            rotate();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        size += bytes.length;
    }

    /** The current file and the kept old files that exist, newest first. */
    public synchronized List<Path> files() {
        List<Path> out = new ArrayList<>();
        out.add(file);
        for (int i = 1; i <= keepFiles; i++) {
            Path old = numbered(i);
            if (Files.exists(old)) {
                out.add(old);
            }
        }
        return out;
    }

    /**
     * Lines matching {@code filter} across the current and old files, newest last. {@code offset}
     * counts back from the newest matching line, so {@code read(f, 0, 50)} is the last 50 and
     * {@code read(f, 50, 50)} the 50 before them. Old files are read only as far as needed.
     */
    public synchronized List<String> read(Predicate<String> filter, int offset, int limit) throws IOException {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        Deque<String> newestFirst = new ArrayDeque<>();
        int wanted = offset + limit;
        for (Path p : files()) {
            if (newestFirst.size() >= wanted) {
                break;
            }
            List<String> lines = Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
            for (int i = lines.size() - 1; i >= 0 && newestFirst.size() < wanted; i--) {
                if (filter.test(lines.get(i))) {
                    newestFirst.addLast(lines.get(i));
                }
            }
        }
        List<String> out = new ArrayList<>(limit);
        int skipped = 0;
        for (String line : newestFirst) {
            if (skipped++ >= offset) {
                out.add(0, line);
            }
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void rotate() throws IOException {
        channel.close();
        channel = null;
        if (keepFiles == 0) {
            Files.delete(file);
        } else {
            Files.deleteIfExists(numbered(keepFiles));
            for (int i = keepFiles - 1; i >= 1; i--) {
                if (Files.exists(numbered(i))) {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    private void open() throws IOException {
        // Logs show service output, addresses and who ran what: 0600 from creation (issue 10 item 7).
        channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PrivateFiles.fileAttributes(file));
        size = channel.size();
    }

    private Path numbered(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }
}
