package io.vigil.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs PostgreSQL's tools as the configured OS user and owns files for it. PostgreSQL refuses
 * to run as root, and the daemon runs as root, so every tool goes through
 * {@code runuser -u USER --}; a daemon already running as that user runs them directly.
 */
final class PgCommand {

    /** Lines of output kept for error messages. */
    private static final int TAIL = 15;

    record Result(int exitCode, List<String> tail, String commandLine) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private PgCommand() {
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Fails with what to install when a tool is missing (wrong binDir, package not installed). */
    static Path tool(PgConfig cfg, String name) {
        Path path = cfg.bin(name);
        if (!Files.isExecutable(path)) {
            throw PgException.of("PostgreSQL tool " + path + " not found or not executable (binDir=" + cfg.binDir() + ")",
                    "", List.of(), "install PostgreSQL 15 (Debian/Ubuntu: apt-get install postgresql-15, or run"
                            + " scripts/setup.sh) or set the database binDir to the directory holding pg_ctl and initdb");
        }
        return path;
    }

    /**
     * Runs {@code args} (tool path first) as the OS user, feeding each output line (stdout and
     * stderr merged, split on CR as well so progress lines arrive one by one) to {@code lines}.
     * Never throws for a non-zero exit: the caller knows what the failure means.
     */
    static Result run(PgConfig cfg, List<String> args, Duration timeout, Map<String, String> env,
                      Consumer<String> lines) {
        List<String> cmd = new ArrayList<>();
        if (runningAsRoot() && !"root".equals(cfg.osUser())) {
            cmd.addAll(List.of("runuser", "-u", cfg.osUser(), "--"));
        }
        cmd.addAll(args);
        String commandLine = String.join(" ", args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(Path.of("/").toFile())
                // No tool may wait for input (postgres --single reads commands from stdin).
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> environment = pb.environment();
        // English messages: error reasons and progress lines are parsed.
        environment.put("LC_ALL", "C");
        environment.put("LANG", "C");
        // Credentials come only from the password file, never from an inherited variable.
        environment.remove("PGPASSWORD");
        environment.put("PGPASSFILE", cfg.passFile().toString());
        environment.putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw PgException.of("could not run " + args.get(0) + ": " + e.getMessage(), commandLine, List.of(),
                    "check that runuser (util-linux) and the PostgreSQL tools are installed");
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> pump(process.getInputStream(), tail, lines), "vigil-pg-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                reader.join(2000);
                throw PgException.of(args.get(0) + " did not finish within " + timeout.toSeconds() + " s and was killed",
                        commandLine, snapshot(tail), "look at the PostgreSQL log for what it was waiting for");
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PgException("interrupted while running " + commandLine, e);
        }
        return new Result(process.exitValue(), snapshot(tail), commandLine);
    }

    private static void pump(InputStream in, Deque<String> tail, Consumer<String> lines) {
        StringBuilder line = new StringBuilder();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
                for (int i = 0; i < chunk.length(); i++) {
                    char c = chunk.charAt(i);
                    if (c == '\n' || c == '\r') {
                        emit(line, tail, lines);
                    } else {
                        line.append(c);
                    }
                }
            }
        } catch (IOException e) {
            // The process is gone and its pipe is closed: the exit code tells the rest.
        }
        emit(line, tail, lines);
    }

    private static void emit(StringBuilder line, Deque<String> tail, Consumer<String> lines) {
        if (line.length() == 0) {
            return;
        }
        String text = line.toString().strip();
        line.setLength(0);
        synchronized (tail) {
            tail.addLast(text);
            while (tail.size() > TAIL) {
                tail.removeFirst();
            }
        }
        lines.accept(text);
    }

    private static List<String> snapshot(Deque<String> tail) {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** Last lines of a file (the server log) for an error message; empty if unreadable. */
    static List<String> lastLines(Path file, int count) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Writes a file owned by the OS user with the given mode (e.g. "rw-------"). */
    /**
     * Writes {@code file} (in a directory the OS user owns) with {@code content} and {@code mode},
     * owned by the OS user, replacing it atomically.
     *
     * <p>Issue 10 item 6: root must never create, write, read or chown a path inside a directory
     * the database user controls, since that user can put a symbolic (or hard) link there first
     * and make root write or hand over any file on the system. So, as root, the file is written by
     * the OS user itself ({@code runuser}): whatever links it planted, it can only reach its own
     * files. The content goes through standard input (never the command line) and the file is
     * never readable by others, not even for a moment ({@code umask 077}).
     */
    static void writeOwned(PgConfig cfg, Path file, String content, String mode) {
        if (!actsForOtherUser(cfg)) {
            writeDirectly(file, content, mode);
            return;
        }
        asUser(cfg, "writing " + file, List.of("sh", "-c",
                "umask 077 && t=\"$1.vigil-new\" && rm -f -- \"$t\" && cat > \"$t\" && chmod \"$2\" -- \"$t\""
                        + " && mv -f -- \"$t\" \"$1\"", "sh", file.toString(), octal(mode)),
                content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a file in a directory the OS user owns, as that user (see {@link #writeOwned}); empty if
     * absent. A symbolic link counts as absent: Vigil writes these files itself, never as links, so
     * a link is something planted, whose target is not read (the next write replaces the link).
     */
    static List<String> readOwned(PgConfig cfg, Path file) {
        if (!actsForOtherUser(cfg)) {
            try {
                return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            } catch (IOException e) {
                throw PgException.of("could not read " + file + ": " + e.getMessage(), "", List.of(),
                        "check the file's permissions");
            }
        }
        return asUser(cfg, "reading " + file, List.of("sh", "-c", "[ -L \"$1\" ] || [ ! -e \"$1\" ] || cat -- \"$1\"", "sh",
                file.toString()), new byte[0]).lines().toList();
    }

    /** Creates directory {@code dir} (mode 0700) as the OS user, inside a directory it owns. */
    static void mkdirOwned(PgConfig cfg, Path dir) {
        if (!actsForOtherUser(cfg)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (IOException e) {
                throw PgException.of("could not create " + dir + ": " + e.getMessage(), "", List.of(),
                        "check that its parent exists and is writable");
            }
            return;
        }
        asUser(cfg, "creating " + dir, List.of("mkdir", "-p", "-m", "700", "--", dir.toString()), new byte[0]);
    }

    /** Removes {@code path} and everything below it as the OS user (a tree it owns, see {@link #writeOwned}). */
    static void removeOwned(PgConfig cfg, Path path) {
        if (!actsForOtherUser(cfg)) {
            try (var walk = Files.walk(path)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // already gone
            } catch (IOException e) {
                throw PgException.of("could not remove " + path + ": " + e.getMessage(), "", List.of(),
                        "remove it by hand");
            }
            return;
        }
        asUser(cfg, "removing " + path, List.of("rm", "-rf", "--one-file-system", "--", path.toString()), new byte[0]);
    }

    private static boolean actsForOtherUser(PgConfig cfg) {
        return runningAsRoot() && !"root".equals(cfg.osUser());
    }

    private static void writeDirectly(Path file, String content, String mode) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".vigil-new");
            Files.deleteIfExists(tmp);
            Files.writeString(tmp, content, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw PgException.of("could not write " + file + ": " + e.getMessage(), "", List.of(),
                    "check that the directory exists and is writable");
        }
    }

    private static String octal(String mode) {
        return Integer.toOctalString(PosixFilePermissions.fromString(mode).stream().mapToInt(p -> switch (p) {
            case OWNER_READ -> 0400;
            case OWNER_WRITE -> 0200;
            case OWNER_EXECUTE -> 0100;
            case GROUP_READ -> 040;
            case GROUP_WRITE -> 020;
            case GROUP_EXECUTE -> 010;
            case OTHERS_READ -> 04;
            case OTHERS_WRITE -> 02;
            case OTHERS_EXECUTE -> 01;
        }).sum());
    }

    /** Runs a short command as the OS user with {@code input} on its stdin; returns its stdout. */
    private static String asUser(PgConfig cfg, String what, List<String> argv, byte[] input) {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", cfg.osUser(), "--"));
        cmd.addAll(argv);
        try {
            Process p = new ProcessBuilder(cmd).directory(Path.of("/").toFile()).start();
            try (var in = p.getOutputStream()) {
                in.write(input);
            }
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw PgException.of(what + " as " + cfg.osUser() + " did not finish within 30 s", "", List.of(),
                        "check the disk");
            }
            if (p.exitValue() != 0) {
                throw PgException.of(what + " as OS user " + cfg.osUser() + " failed", argv.get(0),
                        err.isEmpty() ? List.of() : err.lines().toList(),
                        "check that " + cfg.osUser() + " owns the directory and that the disk is not full");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw PgException.of(what + " failed: " + e.getMessage(), "", List.of(),
                    "check that runuser (util-linux) is installed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException("interrupted while " + what);
        }
    }

    /** Gives {@code path} to the OS user (and its primary group) when the daemon runs as root. */
    static void own(PgConfig cfg, Path path) {
        if (!runningAsRoot()) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(cfg.osUser());
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            view.setOwner(user);
            GroupPrincipal group = primaryGroup(cfg, lookup);
            if (group != null) {
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw PgException.of("could not give " + path + " to OS user " + cfg.osUser() + ": " + e.getMessage(), "",
                    List.of(), "create the OS user '" + cfg.osUser() + "' or set the database osUser to an existing"
                            + " non-root user");
        }
    }

    private static GroupPrincipal primaryGroup(PgConfig cfg, UserPrincipalLookupService lookup) {
        try {
            return lookup.lookupPrincipalByGroupName(cfg.osUser());
        } catch (IOException e) {
            return null; // no group of the same name: the owner alone is what PostgreSQL checks
        }
    }
}
