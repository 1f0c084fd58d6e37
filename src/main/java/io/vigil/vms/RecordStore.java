package io.vigil.vms;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Numbered records appended to a file, each on disk (fsync) before it is acknowledged: the sample
 * service's stand-in for the VMS's own data, so that the chaos run can check that no acknowledged
 * write is lost. The file belongs to one node; nothing replicates it.
 */
final class RecordStore implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    RecordStore(Path file) throws IOException {
        this.file = file;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /** Appends record {@code n} and returns once it is on disk. */
    synchronized void append(long n) throws IOException {
        ByteBuffer line = ByteBuffer.wrap((n + "\n").getBytes(StandardCharsets.US_ASCII));
        while (line.hasRemaining()) {
            channel.write(line);
        }
        channel.force(false);
    }

    /** Every record stored, one number a line. */
    synchronized String read() throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
