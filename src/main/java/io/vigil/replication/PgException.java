package io.vigil.replication;

import java.util.List;

/**
 * A PostgreSQL operation failed. The message says what failed, the command that ran, the last
 * lines of its output (or of the server log) and what to do, because the reader is an operator
 * at a console (STYLE.md "Errors"). Messages never contain a password: commands get theirs from
 * the password file, and SQL errors are reported without the connection properties.
 */
public final class PgException extends RuntimeException {

    public PgException(String message) {
        super(message);
    }

    public PgException(String message, Throwable cause) {
        super(message, cause);
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
        return new PgException(sb.toString());
    }
}
