package io.vigil.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The commands log (SPEC §2): every command run on the node or the cluster, who, when and the
 * result, as {@code 2026-11-25 08:30:00.123 admin | swap | ok}. Redacted like the others, since
 * a command line may carry a password.
 */
public final class CommandsLog implements Closeable {

    private final LineLog log;

    public CommandsLog(Path file, long maxFileBytes, int keepFiles, Clock clock, Redactor redactor)
            throws IOException {
        this.log = new LineLog(file, maxFileBytes, keepFiles, clock, redactor);
    }

    public void record(String who, String command, String result) {
        log.write(who + " | " + command + " | " + result);
    }

    /** Entries newest last, across rotated files; {@code offset} counts back from the newest. */
    public List<String> read(int offset, int limit) throws IOException {
        return log.read(line -> true, offset, limit);
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
