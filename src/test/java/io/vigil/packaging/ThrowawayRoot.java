package io.vigil.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A copy-on-write clone of this machine's root filesystem to install a package into: an overlay
 * mount with the real root as its read-only lower layer and a temporary upper layer, plus /proc and
 * /dev, entered with chroot. Whatever dpkg and the maintainer scripts do (users, /etc, /usr) lands
 * in the upper layer and is thrown away on close; the machine itself is never changed. Needs root.
 */
final class ThrowawayRoot implements AutoCloseable {
    final Path base;
    final Path root;

    /** The outcome of a command: its exit code and its output (stdout and stderr together). */
    record Result(int code, String output) {
        boolean ok() {
            return code == 0;
        }
    }

    private ThrowawayRoot(Path base) {
        this.base = base;
        this.root = base.resolve("merged");
    }

    static ThrowawayRoot create() throws IOException, InterruptedException {
        Path base = Files.createTempDirectory("vigil-root-");
        ThrowawayRoot r = new ThrowawayRoot(base);
        for (String d : List.of("upper", "work", "merged")) {
            Files.createDirectories(base.resolve(d));
        }
        try {
            r.host("mount", "-t", "overlay", "overlay", "-o", "lowerdir=/,upperdir=" + base.resolve("upper")
                    + ",workdir=" + base.resolve("work"), r.root.toString());
            r.host("mount", "-t", "proc", "proc", r.root.resolve("proc").toString());
            r.host("mount", "--bind", "/dev", r.root.resolve("dev").toString());
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /** A path inside the clone, as seen from the host (for copying files in and reading them out). */
    Path path(String inside) {
        return root.resolve(inside.startsWith("/") ? inside.substring(1) : inside);
    }

    /** Runs a command inside the clone. */
    Result run(String... command) throws IOException, InterruptedException {
        return run(Map.of(), command);
    }

    Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("chroot", root.toString()));
        argv.addAll(Arrays.asList(command));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out);
    }

    /** Starts a long-running command inside the clone (the caller stops it). */
    Process start(Map<String, String> env, Path log, String... command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("chroot", root.toString()));
        argv.addAll(Arrays.asList(command));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs a command inside the clone and fails with its output unless it exits 0. */
    String ok(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.code() + ":\n" + r.output());
        }
        return r.output();
    }

    private void host(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String m : List.of("dev", "proc", "")) {
            Path at = m.isEmpty() ? root : root.resolve(m);
            new ProcessBuilder("umount", "-l", at.toString()).redirectErrorStream(true).start().waitFor();
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", base.toString()).start().waitFor();
    }
}
