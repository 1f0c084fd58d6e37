package io.vigil.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The module log (SPEC §2 "Logs", §5 Module Log): what the daemon decided and why. Lines look
 * like {@code 2026-11-25 08:30:00.123 I message}. The short view shows errors only; verbose
 * shows everything.
 */
public final class ModuleLog implements Closeable {

    /** Levels as shown in the console. */
    public enum Level {
        /** Something an operator must look at. */
        E,
        /** A state change or action. */
        I,
        /** Detail for diagnosis. */
        D
    }

    /** Beside the module log: the decisions only, see {@link #decision}. */
    public static final String DECISIONS_FILE = "decisions.log";

    private final LineLog log;
    private final LineLog decisions;

    /**
     * @param redactor shared with the other logs so a secret registered once is hidden everywhere
     */
    public ModuleLog(Path file, long maxFileBytes, int keepFiles, Clock clock, Redactor redactor) throws IOException {
        this.log = new LineLog(file, maxFileBytes, keepFiles, clock, redactor);
        this.decisions = new LineLog(file.resolveSibling(DECISIONS_FILE), maxFileBytes, keepFiles, clock, redactor);
    }

    public void log(Level level, String message) {
        log.write(level.name() + " " + message);
    }

    /**
     * A state change, failover or alarm: written to the module log and also to
     * {@value #DECISIONS_FILE}, which holds nothing else. Whatever floods the module log
     * (rejected input, a chatty resource) rotates only the module log, never the history of
     * decisions (issue 10, item 10). Only the node's own decisions come here, never a line an
     * outsider can cause at will.
     */
    public void decision(Level level, String message) {
        log(level, message);
        decisions.write(level.name() + " " + message);
    }

    public void error(String message) {
        log(Level.E, message);
    }

    public void info(String message) {
        log(Level.I, message);
    }

    public void debug(String message) {
        log(Level.D, message);
    }

    /** Hides {@code secret} in every line written from now on. */
    public void addSecret(String secret) {
        log.redactor().addSecret(secret);
    }

    /**
     * Lines newest last, across rotated files. {@code verbose=false} keeps only E lines;
     * {@code offset} counts back from the newest matching line.
     */
    public List<String> read(boolean verbose, int offset, int limit) throws IOException {
        return log.read(line -> verbose || isError(line), offset, limit);
    }

    private static boolean isError(String line) {
        int at = LineLog.TIME_LENGTH + 1;
        return line.length() > at + 1 && line.charAt(at) == 'E' && line.charAt(at + 1) == ' ';
    }

    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            decisions.close();
        }
    }
}
