package io.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command for a benchmark and keeps its whole output (benchmarks parse tools' reports). */
final class Cmd {

    record Result(int exitCode, String output, long elapsedNanos) {
        long elapsedMs() {
            return elapsedNanos / 1_000_000;
        }
    }

    private Cmd() {
    }

    /** Runs {@code args} with extra {@code env}; a non-zero exit or a timeout is an error naming the command. */
    static Result run(List<String> args, Map<String, String> env, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("LC_ALL", "C");
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        try {
            Process p = pb.start();
            // Read before waiting: a tool filling the pipe would otherwise block forever.
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", args));
            }
            Result r = new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), System.nanoTime() - t0);
            if (r.exitCode() != 0) {
                throw new IllegalStateException("exit " + r.exitCode() + " from " + String.join(" ", args) + ":\n"
                        + tail(r.output()));
            }
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", args) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", args), e);
        }
    }

    static Result run(List<String> args) {
        return run(args, Map.of(), 3600);
    }

    /** Apparent size in bytes of everything under {@code dir} (du -sb), what a copy reads. */
    static long bytesUnder(Path dir) {
        String out = run(List.of("du", "-sb", dir.toString())).output().strip();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    /** Flushes dirty pages, so one copy's write-back is not charged to the next one. */
    static void syncDisks() {
        run(List.of("sync"));
    }

    static void removeTree(Path dir) {
        run(List.of("rm", "-rf", "--one-file-system", dir.toString()));
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
