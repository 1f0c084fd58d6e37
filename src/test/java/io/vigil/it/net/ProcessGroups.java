package io.vigil.it.net;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Processes started through {@code setsid}, each leading its own process group, so that a signal
 * reaches a daemon and everything it forked, and never the JVM's own group.
 */
final class ProcessGroups {
    private static final long GROUP_WAIT_MS = 5_000;

    private final List<Process> started = new ArrayList<>();
    private final Set<Process> paused = new LinkedHashSet<>();

    synchronized Process start(List<String> command, Path logFile) {
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            started.add(p);
            awaitOwnGroup(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Until setsid has run, the child is still in the JVM's process group: signalling "its" group
     * then would signal the JVM. So exec returns only once the child leads a group of its own.
     */
    private static void awaitOwnGroup(Process p) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GROUP_WAIT_MS);
        while (p.isAlive() && pgid(p.pid()) != p.pid()) {
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("process " + p.pid() + " did not become a process group leader"
                        + " within " + GROUP_WAIT_MS + " ms (is setsid from util-linux installed?)");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** The process group of {@code pid}, or -1 when it has exited. */
    static long pgid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) state ppid pgrp ...": comm may contain spaces, so count from its ')'.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[2]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The one-letter state of {@code pid} ('T' when stopped), or '?' when it has exited. */
    static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }

    synchronized boolean signal(Process p, String signal) {
        if (!started.contains(p)) {
            throw new IllegalArgumentException("process " + p.pid() + " was not started by this lab");
        }
        return Cmd.run("kill", "-s", signal, "--", "-" + p.pid()).ok();
    }

    synchronized void pause(Process p) {
        if (!signal(p, "STOP")) {
            throw new IllegalStateException("cannot pause process group " + p.pid() + ": it has exited");
        }
        paused.add(p);
    }

    synchronized void resume(Process p) {
        if (!signal(p, "CONT")) {
            throw new IllegalStateException("cannot resume process group " + p.pid() + ": it has exited");
        }
        paused.remove(p);
    }

    synchronized void resumeAll() {
        for (Process p : List.copyOf(paused)) {
            signal(p, "CONT");
        }
        paused.clear();
    }

    /** SIGKILL reaches stopped processes too, so paused groups need no SIGCONT first. */
    synchronized void killAll() {
        for (Process p : started) {
            signal(p, "KILL");
        }
        for (Process p : started) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
        paused.clear();
    }

    /** Kills whatever runs in namespace {@code ns} (e.g. left by a crashed run) and waits until it is gone. */
    static void killAllIn(String ns) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> pids = pidsIn(ns);
        while (!pids.isEmpty()) {
            List<String> kill = new ArrayList<>(List.of("kill", "-s", "KILL", "--"));
            kill.addAll(pids);
            Cmd.run(kill, Cmd.TIMEOUT);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("processes " + pids + " in namespace " + ns + " survive SIGKILL");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            pids = pidsIn(ns);
        }
    }

    private static List<String> pidsIn(String ns) {
        List<String> out = new ArrayList<>();
        for (String pid : Cmd.run("ip", "netns", "pids", ns).output().split("\\s+")) {
            if (pid.matches("\\d+")) {
                out.add(pid);
            }
        }
        return out;
    }
}
