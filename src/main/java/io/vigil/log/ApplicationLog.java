package io.vigil.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The application log (SPEC §2): output of starting and stopping resources, one line per output
 * line, as {@code 2026-11-25 08:30:00.123 [mgmt] text}.
 */
public final class ApplicationLog implements Closeable {

    private final LineLog log;

    public ApplicationLog(Path file, long maxFileBytes, int keepFiles, Clock clock, Redactor redactor)
            throws IOException {
        this.log = new LineLog(file, maxFileBytes, keepFiles, clock, redactor);
    }

    public void line(String resource, String text) {
        log.write("[" + resource + "] " + text);
    }

    /** Lines newest last, across rotated files; {@code offset} counts back from the newest. */
    public List<String> read(int offset, int limit) throws IOException {
        return log.read(line -> true, offset, limit);
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
