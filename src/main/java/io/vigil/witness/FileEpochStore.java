package io.vigil.witness;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One small file per cluster ({@code <cluster>.epoch}) and per node of it
 * ({@code <cluster>.node<N>.incarnation}), replaced atomically (write, fsync, rename): a crash or
 * restart leaves either the old or the new number, never a torn one.
 */
public final class FileEpochStore implements LeaseTable.EpochStore {
    private final Path dir;

    public FileEpochStore(Path dir) throws IOException {
        this.dir = io.vigil.security.PrivateFiles.createDirectories(dir);
    }

    @Override
    public long load(String cluster) throws IOException {
        return read(file(cluster), "an epoch number", "restore it from a backup, or delete it only if both"
                + " nodes of cluster " + cluster + " are known to be in sync");
    }

    @Override
    public void save(String cluster, long epoch) throws IOException {
        write(file(cluster), epoch);
    }

    @Override
    public long loadIncarnation(String cluster, int node) throws IOException {
        return read(file(cluster, ".node" + node + ".incarnation"), "an incarnation number",
                "delete it to accept node" + node + "'s next start (a replay of its older requests may then be"
                        + " accepted once)");
    }

    @Override
    public void saveIncarnation(String cluster, int node, long incarnation) throws IOException {
        write(file(cluster, ".node" + node + ".incarnation"), incarnation);
    }

    private long read(Path f, String what, String fix) throws IOException {
        if (!Files.exists(f)) {
            return 0;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(f + " does not hold " + what + " ('" + text + "'): " + fix);
        }
    }

    private void write(Path target, long value) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), io.vigil.security.PrivateFiles.fileAttributes(tmp))) {
            ch.write(java.nio.ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename is durable only once the folder entry is flushed.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private Path file(String cluster) {
        return file(cluster, ".epoch");
    }

    private Path file(String cluster, String suffix) {
        if (!cluster.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("cluster name '" + cluster + "' is not a valid name");
        }
        return dir.resolve(cluster + suffix);
    }
}
