package io.vigil.cli;

/** Ends a command with a message for the operator and an {@link ExitCode}. */
final class CliException extends Exception {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
