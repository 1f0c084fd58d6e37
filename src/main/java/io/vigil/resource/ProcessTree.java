package io.vigil.resource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process and every descendant seen so far. Java cannot give a child its own process group,
 * so the tree is tracked by {@link ProcessHandle#descendants()}. Descendants are remembered
 * because once the root dies they are re-parented to init and no longer show up under it,
 * yet they may still hold the service's port or files. Handles carry the start time, so a
 * recycled pid is never signalled by mistake.
 */
final class ProcessTree {

    private static final long POLL_MS = 20;

    private final ProcessHandle root;
    private final Set<ProcessHandle> seen = new LinkedHashSet<>();

    ProcessTree(ProcessHandle root) {
        this.root = root;
        refresh();
    }

    /** SIGTERM to the root and every known descendant. */
    void terminate() {
        refresh();
        root.destroy();
        seen.forEach(ProcessHandle::destroy);
    }

    /**
     * SIGKILL to the root first, so it cannot fork replacements, then to every descendant,
     * including those it forked since the last look.
     */
    void kill() {
        refresh();
        root.destroyForcibly();
        seen.forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGKILL to descendants left behind after the root exited on its own. */
    void killOrphans() {
        seen.stream().filter(h -> !gone(h)).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Waits until the root has exited; true if it did within the timeout. Looks at the tree
     * every 100 ms meanwhile, to remember children forked during the wait before they are orphaned.
     */
    boolean awaitRoot(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            refresh();
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (await(root, Math.max(0, Math.min(100, left)))) {
                return true;
            }
            if (left <= 100) {
                return false;
            }
        }
    }

    /** Waits until the root and every known descendant have exited; true if they did in time. */
    boolean awaitAll(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (ProcessHandle handle : all()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!await(handle, Math.max(0, left))) {
                return false;
            }
        }
        return true;
    }

    private Set<ProcessHandle> all() {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        all.add(root);
        all.addAll(seen);
        return all;
    }

    private void refresh() {
        if (root.isAlive()) {
            root.descendants().forEach(seen::add);
        }
    }

    /**
     * Our own child is reaped by the JVM, so its onExit is prompt. Anything else is polled:
     * the JDK's own polling for non-children backs off to seconds, too slow for fencing.
     */
    private static boolean await(ProcessHandle handle, long timeoutMs) throws InterruptedException {
        if (handle.parent().map(ProcessHandle.current()::equals).orElse(false)) {
            try {
                handle.onExit().get(timeoutMs, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                return !handle.isAlive();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!gone(handle)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL_MS);
        }
        return true;
    }

    /**
     * Dead or a zombie. A zombie holds no memory, port or file any more; an orphan's zombie
     * waits for init to reap it, and some inits (containers, VMs) reap late.
     */
    static boolean gone(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(handle.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return !handle.isAlive();
        }
    }
}
