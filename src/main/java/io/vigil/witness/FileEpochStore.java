package io.vigil.witness;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One small file per cluster, replaced atomically (write, fsync, rename): a crash or restart
 * leaves either the old or the new number, never a torn one.
 */
public final class FileEpochStore implements LeaseTable.EpochStore {
    private final Path dir;

    public FileEpochStore(Path dir) throws IOException {
        this.dir = io.vigil.security.PrivateFiles.createDirectories(dir);
    }

    @Override
    public long load(String cluster) throws IOException {
        Path f = file(cluster);
        if (!Files.exists(f)) {
            return 0;
        }
        String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(f + " does not hold an epoch number ('" + text + "'): restore it from a backup,"
                    + " or delete it only if both nodes of cluster " + cluster + " are known to be in sync");
        }
    }

    @Override
    public void save(String cluster, long epoch) throws IOException {
        Path tmp = dir.resolve(cluster + ".epoch.tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), io.vigil.security.PrivateFiles.fileAttributes(tmp))) {
            ch.write(java.nio.ByteBuffer.wrap((epoch + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file(cluster), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path file(String cluster) {
        if (!cluster.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("cluster name '" + cluster + "' is not a valid name");
        }
        return dir.resolve(cluster + ".epoch");
    }
}
