package io.vigil.replication;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A postmaster killed with SIGKILL leaves its lock file ({@code postmaster.pid}) behind. Normally
 * init reaps the dead process and PostgreSQL sees the lock as stale; but where init does not reap
 * orphans (some containers' PID 1), the dead postmaster stays a zombie, which {@code kill(pid, 0)}
 * still finds: {@code pg_ctl status} then says "running", {@code pg_ctl stop} waits for a shutdown
 * that never comes and a start refuses ("lock file already exists"), so the node would keep a
 * dead database forever and never fail over (found by the chaos run's kill -9 of PostgreSQL).
 * This tells a dead postmaster from a live one by the process state itself, and clears what it
 * left: its orphaned children (which exit on their own once they notice, or are killed after a
 * grace period: crash recovery at the next start replays the WAL either way), then the lock file.
 */
final class DeadPostmaster {
    private static final Logger log = LoggerFactory.getLogger(DeadPostmaster.class);
    private static final Duration ORPHANS_GRACE = Duration.ofSeconds(5);

    private DeadPostmaster() {
    }

    private static final java.util.regex.Pattern STATUS_PID = java.util.regex.Pattern.compile("\\(PID: (\\d+)\\)");

    /** The postmaster's pid in {@code pg_ctl status}'s output ("server is running (PID: 123)"). */
    static Optional<Long> statusPid(List<String> output) {
        for (String line : output) {
            java.util.regex.Matcher m = STATUS_PID.matcher(line);
            if (m.find()) {
                return Optional.of(Long.parseLong(m.group(1)));
            }
        }
        return Optional.empty();
    }

    /** True when {@code pid} is no process at all, or a zombie (dead, not reaped). */
    static boolean dead(long pid) {
        Optional<Character> state = state(pid);
        return state.isEmpty() || state.get() == 'Z' || state.get() == 'X';
    }

    /** The state letter of {@code /proc/<pid>/stat} (after the command name, which may hold spaces). */
    static Optional<Character> state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() ? Optional.empty() : Optional.of(stat.charAt(close + 2));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * If {@code pid} (the lock file's, as pg_ctl status reports it) is a dead postmaster: waits for
     * (then kills) the processes still working in the data directory, removes the lock file and
     * returns true. False, touching nothing, when there is no pid or its postmaster lives.
     */
    static boolean clearIfDead(PgConfig cfg, Optional<Long> pid) {
        if (pid.isEmpty() || !dead(pid.get())) {
            return false;
        }
        log.warn("PostgreSQL's postmaster (pid {}) in {} is dead but its lock file remains (killed, and not reaped):"
                + " clearing what it left so that the database can start again", pid.get(), cfg.dataDir());
        long deadline = System.nanoTime() + ORPHANS_GRACE.toNanos();
        List<Long> left = workingIn(cfg.dataDir());
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            sleep();
            left = workingIn(cfg.dataDir());
        }
        for (long orphan : left) {
            log.warn("killing pid {}, a PostgreSQL process of the dead postmaster still running in {}", orphan, cfg.dataDir());
            ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
        }
        // The data directory's lock, and the socket's, which names the same pid (checked: never
        // another postmaster's).
        List<String> rm = new ArrayList<>(List.of("rm", "-f", "--", cfg.dataDir().resolve("postmaster.pid").toString()));
        Path socketLock = cfg.socketDir().resolve(".s.PGSQL." + cfg.port() + ".lock");
        List<String> socketLockLines = PgCommand.readOwned(cfg, socketLock);
        if (!socketLockLines.isEmpty() && socketLockLines.get(0).strip().equals(Long.toString(pid.get()))) {
            rm.add(socketLock.toString());
        }
        PgCommand.Result r = PgCommand.run(cfg, rm, Duration.ofSeconds(30), Map.of(), line -> { });
        if (!r.ok()) {
            throw PgException.of("cannot remove the stale lock file of the dead postmaster in " + cfg.dataDir(),
                    r.commandLine(), r.tail(), "remove " + cfg.dataDir().resolve("postmaster.pid") + " as " + cfg.osUser());
        }
        return true;
    }

    /** Live (non-zombie) processes whose working directory is {@code dataDir}: PostgreSQL's own. */
    static List<Long> workingIn(Path dataDir) {
        Path target;
        try {
            target = dataDir.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("cwd")).equals(target) && !dead(Long.parseLong(name))) {
                        found.add(Long.parseLong(name));
                    }
                } catch (IOException | SecurityException e) {
                    // gone meanwhile, or not ours to look at
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return found;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
