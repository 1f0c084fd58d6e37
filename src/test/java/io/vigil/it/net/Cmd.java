package io.vigil.it.net;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one short command to completion and keeps its output for error messages. */
public final class Cmd {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Exit code and combined stdout/stderr of a finished command. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the command and its output unless it exited with 0. */
        public Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException("`" + String.join(" ", command) + "` exited with " + exitCode
                        + (output.isBlank() ? "" : ": " + output.strip()));
            }
            return this;
        }
    }

    private Cmd() {
    }

    static Result run(String... command) {
        return run(List.of(command), TIMEOUT);
    }

    /**
     * Output goes to a temporary file rather than a pipe: a command that leaves a background child
     * holding the pipe open would otherwise block the reader until that child exits.
     */
    static Result run(List<String> command, Duration timeout) {
        Path out = null;
        try {
            out = Files.createTempFile("netlab-cmd", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(command, -1, "timed out after " + timeout + ": " + read(out));
            }
            return new Result(command, p.exitValue(), read(out));
        } catch (IOException e) {
            return new Result(command, 127, "cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(command, -1, "interrupted");
        } finally {
            deleteQuietly(out);
        }
    }

    private static String read(Path out) throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path out) {
        if (out != null) {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
