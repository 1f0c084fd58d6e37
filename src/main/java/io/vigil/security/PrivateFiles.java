package io.vigil.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files only the owner may read (issue 10 item 7): the cluster key, the node state, the generated
 * configurations and the logs. They are created with their final mode, never with the process
 * umask and a chmod afterwards, so there is no moment in which another local user can open them.
 * On a file system without POSIX permissions the modes are skipped (nothing to protect with).
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    /**
     * A folder others may pass through but not list or read: a node's data folder, because the
     * internal PostgreSQL runs as its own OS user under {@code <dataDir>/pg} (its files keep their
     * own 0600/0700 modes).
     */
    public static final Set<PosixFilePermission> TRAVERSABLE_DIR = PosixFilePermissions.fromString("rwx--x--x");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /** Creates {@code dir} and its missing parents as 0700; existing folders keep their mode. */
    public static Path createDirectories(Path dir) throws IOException {
        return createDirectories(dir, DIR);
    }

    /** The same with 0711 ({@link #TRAVERSABLE_DIR}). */
    public static Path createTraversableDirectories(Path dir) throws IOException {
        return createDirectories(dir, TRAVERSABLE_DIR);
    }

    private static Path createDirectories(Path dir, Set<PosixFilePermission> mode) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return dir;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent, mode);
        }
        try {
            Files.createDirectory(abs, attributes(abs.getParent(), mode));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
        }
        return dir;
    }

    /** The attributes that create a file 0600 (pass them to {@code Files.newByteChannel} / {@code FileChannel.open}). */
    public static FileAttribute<?>[] fileAttributes(Path file) {
        return attributes(file.toAbsolutePath().getParent(), FILE);
    }

    /**
     * Writes {@code text} to {@code file} as a fresh 0600 file. An existing file is replaced,
     * not rewritten in place, so a previous mode (0644 from an older version) does not survive;
     * the new file is created exclusively and never through a symbolic link, so a link planted
     * at that name cannot make root write wherever it points.
     */
    public static void writeString(Path file, String text) throws IOException {
        createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), fileAttributes(file))) {
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

    /** Creates {@code file} empty and 0600 unless it exists (output files a child process appends to). */
    public static Path touch(Path file) throws IOException {
        try {
            Files.createFile(file, fileAttributes(file));
        } catch (FileAlreadyExistsException e) {
            // Kept as it is: it was created by an earlier run, 0600 when by this version.
        }
        return file;
    }

    /**
     * Why a file holding a secret must not be trusted, or empty when its mode is private: a key
     * others can read lets any local user impersonate a node; one others can write lets them
     * replace it. The message names the file and the command that fixes it.
     */
    public static Optional<String> keyExposure(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(perms);
        open.retainAll(GROUP_OR_OTHERS);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(file + " has mode " + octal(perms) + ": other users of this machine can "
                + (writable(open) ? "change" : "read") + " the cluster key in it. Run: chmod 600 " + file);
    }

    private static boolean writable(Set<PosixFilePermission> open) {
        return open.contains(PosixFilePermission.GROUP_WRITE) || open.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** e.g. "0644". */
    static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", mode);
    }

    /** A POSIX mode attribute, or none where the file system has no modes. */
    private static FileAttribute<?>[] attributes(Path parent, Set<PosixFilePermission> perms) {
        boolean posix = parent == null
                || parent.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)} : new FileAttribute<?>[0];
    }
}
