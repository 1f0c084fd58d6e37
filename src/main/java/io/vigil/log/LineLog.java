package io.vigil.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the three logs share: timestamp, redaction, rotation, and never failing the caller. */
final class LineLog implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LineLog.class);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    /** Length of the timestamp prefix, followed by one space. */
    static final int TIME_LENGTH = 23;

    private final RotatingFile file;
    private final Clock clock;
    private final Redactor redactor;
    private final Path path;
    private volatile boolean warned;

    LineLog(Path path, long maxFileBytes, int keepFiles, Clock clock, Redactor redactor) throws IOException {
        this.path = path;
        this.file = new RotatingFile(path, maxFileBytes, keepFiles);
        this.clock = clock;
        this.redactor = redactor;
    }

    /**
     * Writes {@code timestamp body}. A disk problem must not stop the event loop that is logging
     * (the node may be handling a failover), so it is reported once to the daemon's own log.
     */
    void write(String body) {
        String line = TIME.format(clock.instant().atZone(clock.getZone())) + " " + redactor.apply(body);
        try {
            file.append(line);
            warned = false;
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                LOG.warn("Cannot write to {} ({}); lines are being lost until it works again. "
                        + "Check free disk space and permissions.", path, e.toString());
            }
        }
    }

    List<String> read(Predicate<String> filter, int offset, int limit) throws IOException {
        return file.read(filter, offset, limit);
    }

    Redactor redactor() {
        return redactor;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
