package io.vigil.replication;

import java.util.List;

/**
 * A PostgreSQL operation failed. The message says what failed, the command that ran, the last
 * lines of its output (or of the server log) and what to do, because the reader is an operator
 * at a console (STYLE.md "Errors"). Messages never contain a password: commands get theirs from
 * the password file, and SQL errors are reported without the connection properties.
 */
public final class PgException extends RuntimeException {

    /** A line of a tool's output that states the error itself (initdb: error: ..., FATAL: ...). */
    private static final java.util.regex.Pattern ERROR_LINE = java.util.regex.Pattern.compile(
            "(?i).*(\\berror\\b|\\bfatal\\b|\\bpanic\\b|could not|permission denied|no such file).*");

    /** One line for alarms and status: what failed and the tool's own error line (issue 16). */
    private final String summary;

    public PgException(String message) {
        super(message);
        this.summary = message.lines().findFirst().orElse(message);
    }

    public PgException(String message, Throwable cause) {
        super(message, cause);
        this.summary = message.lines().findFirst().orElse(message);
    }

    private PgException(String message, String summary) {
        super(message);
        this.summary = summary;
    }

    /**
     * What failed and why, in one line: "initializing the database in /x failed (exit 1): initdb:
     * error: could not open file ...: Permission denied". The full message adds the command, the
     * last lines of output and what to do.
     */
    public String summary() {
        return summary;
    }

    /** The first line of {@code output} that states an error, or null. */
    static String firstErrorLine(List<String> output) {
        if (output == null) {
            return null;
        }
        return output.stream().filter(l -> ERROR_LINE.matcher(l).matches()).findFirst().orElse(null);
    }

    /**
     * @param what    what failed, e.g. "starting PostgreSQL on port 5433"
     * @param command the command line (no secrets in it), or empty
     * @param output  the last lines of its output
     * @param fix     what the operator should do
     */
    static PgException of(String what, String command, List<String> output, String fix) {
        StringBuilder sb = new StringBuilder(what);
        if (command != null && !command.isEmpty()) {
            sb.append("\n  command: ").append(command);
        }
        if (output != null && !output.isEmpty()) {
            sb.append("\n  last output:");
            for (String line : output) {
                sb.append("\n    ").append(line);
            }
        }
        sb.append("\n  what to do: ").append(fix);
        String cause = firstErrorLine(output);
        return new PgException(sb.toString(), cause == null ? what + " (" + fix + ")" : what + ": " + cause);
    }
}
