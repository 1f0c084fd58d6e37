package io.vigil.resource;

import io.vigil.checker.Checker;
import io.vigil.checker.Probe;
import io.vigil.checker.ProbeResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * One resource's process, phase and checkers. {@link #start} and {@link #stop} run on the
 * manager's single operations thread; {@link #kill}, checker callbacks and exit notifications
 * may come from any thread, so every phase change happens under this object's lock and the
 * listener is always called outside it.
 */
final class ManagedResource {

    /** Without checkers, a process still alive this long after spawn counts as started. */
    static final long NO_CHECKER_READY_MS = 300;
    private static final long READY_POLL_MS = 100;

    final ResourceSpec spec;
    private final BiConsumer<String, String> appLog;
    private final ResourceManager.Listener listener;
    private final List<Checker> checkers = new ArrayList<>();
    private final List<Probe> readinessProbes = new ArrayList<>();

    private Phase phase = Phase.STOPPED;
    private Process process;
    /** A warm standby waiting to be activated ({@link ResourceSpec#warmStandby()}), or null. */
    private Process standby;
    private int restarts;
    private String detail = "not started";
    private boolean checkersEnabled = true;

    ManagedResource(ResourceSpec spec, BiConsumer<String, String> appLog, ResourceManager.Listener listener,
                    ScheduledExecutorService checkerScheduler) {
        this.spec = spec;
        this.appLog = appLog;
        this.listener = listener;
        spec.checkers().forEach(cs -> {
            readinessProbes.add(Probe.of(cs, this::process));
            checkers.add(new Checker(cs, Probe.of(cs, this::process), checkerScheduler, new CheckerEvents()));
        });
    }

    /**
     * Spawns the process and waits until it is ready; a running resource is left alone.
     *
     * @return null when running, otherwise why it is not (the resource is then stopped again)
     */
    String start(BooleanSupplier cancelled) throws InterruptedException {
        if (live()) {
            return null;
        }
        Process p = activateStandby();
        if (p == null) {
            appLog.accept(spec.name(), "starting " + spec.name());
            try {
                p = spawn(false);
            } catch (IOException e) {
                return setFailed(null, "resource '" + spec.name() + "' could not be started: " + e.getMessage());
            }
            OutputPump.start(spec.name(), p.getInputStream(), appLog);
        }
        synchronized (this) {
            process = p;
            phase = Phase.STARTING;
            detail = "starting, pid " + p.pid();
        }
        p.onExit().thenAccept(this::exited);
        String why = awaitReady(p, cancelled);
        synchronized (this) {
            // Checked under the lock: an exit seen by exited() while STARTING was not reported.
            if (why == null && p.isAlive() && process == p) {
                phase = Phase.RUNNING;
                detail = "ready";
                if (checkersEnabled) {
                    checkers.forEach(Checker::start);
                }
                return null;
            }
        }
        String reason = "resource '" + spec.name() + "' did not start: "
                + (why != null ? why : "process exited with code " + exitCode(p));
        stopProcess(p, "start failed");
        return setFailed(p, reason);
    }

    /**
     * Spawns the warm standby when the resource has one, does not run, and has none alive yet:
     * the process gets {@value ResourceSpec#STANDBY_ENV}=1 and waits, its output in the
     * resource's log. It is not the resource's process: no checker, no failure, no restart.
     */
    void prepareStandby() {
        synchronized (this) {
            if (!spec.warmStandby() || process != null || (standby != null && standby.isAlive())) {
                return;
            }
        }
        Process p;
        try {
            p = spawn(true);
        } catch (IOException e) {
            appLog.accept(spec.name(), "no warm standby of " + spec.name() + " (it will start cold): " + e.getMessage());
            return;
        }
        OutputPump.start(spec.name(), p.getInputStream(), appLog);
        p.onExit().thenAccept(this::standbyExited);
        synchronized (this) {
            standby = p;
            if (process == null) {
                detail = "stopped; warm standby waiting, pid " + p.pid();
            }
        }
        appLog.accept(spec.name(), "warm standby of " + spec.name() + " started, pid " + p.pid());
    }

    /** A standby that exits before its activation is only dropped: the next start spawns the process. */
    private void standbyExited(Process p) {
        synchronized (this) {
            if (standby != p) {
                return; // activated (its exit is the resource's) or killed on purpose
            }
            standby = null;
            if (process == null) {
                detail = "stopped; the warm standby exited with code " + p.exitValue();
            }
        }
        appLog.accept(spec.name(), "warm standby of " + spec.name() + " exited with code " + p.exitValue()
                + " (the next start spawns it cold)");
    }

    /**
     * Takes the warm standby and tells it to serve; null when there is none alive (or it could not
     * be told), and the caller spawns the process as usual.
     */
    private Process activateStandby() {
        Process p;
        synchronized (this) {
            p = standby;
            standby = null;
        }
        if (p == null || !p.isAlive()) {
            return null;
        }
        try {
            java.io.OutputStream in = p.getOutputStream();
            in.write((ResourceSpec.ACTIVATE_LINE + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            appLog.accept(spec.name(), "the warm standby of " + spec.name() + " did not take the activation ("
                    + e.getMessage() + "): starting it cold");
            killTree(p);
            return null;
        }
        appLog.accept(spec.name(), "starting " + spec.name() + ": activating its warm standby, pid " + p.pid());
        return p;
    }

    /** SIGKILL to the warm standby, if any (fencing, shutdown): nothing of the resource outlives them. */
    void killStandby() {
        Process p;
        synchronized (this) {
            p = standby;
            standby = null;
        }
        if (p != null) {
            killTree(p);
        }
    }

    private static void killTree(Process p) {
        ProcessTree tree = new ProcessTree(p.toHandle());
        tree.kill();
        try {
            tree.awaitAll(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops checkers first, so the planned stop is not reported as a failure, then the process. */
    void stop(String reason) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
            if (p == null) {
                phase = Phase.STOPPED;
                return;
            }
            phase = Phase.STOPPING;
        }
        checkers.forEach(Checker::stop);
        stopProcess(p, reason);
        synchronized (this) {
            if (process == p) {
                process = null;
                phase = Phase.STOPPED;
                detail = "stopped: " + reason;
            }
        }
    }

    /** SIGKILL to the whole tree, now (fencing). Waits briefly for the kernel to reap it. */
    void kill(String reason) {
        Process p;
        synchronized (this) {
            p = process;
            if (p == null) {
                return;
            }
            phase = Phase.STOPPING;
        }
        checkers.forEach(Checker::stop);
        killTree(p);
        synchronized (this) {
            if (process == p) {
                process = null;
                phase = Phase.STOPPED;
                detail = "killed: " + reason;
            }
        }
    }

    /** Started and its process still alive, whether or not a checker reports it failed. */
    synchronized boolean live() {
        return process != null && process.isAlive() && (phase == Phase.RUNNING || phase == Phase.FAILED);
    }

    synchronized void setCheckersRunning(boolean running) {
        checkersEnabled = running;
        if (running && live()) {
            checkers.forEach(Checker::resume);
        } else if (!running) {
            checkers.forEach(Checker::stop);
        }
    }

    synchronized void countRestart() {
        restarts++;
    }

    synchronized Process process() {
        return process;
    }

    synchronized ResourceStatus status() {
        long pid = process != null && process.isAlive() ? process.pid() : -1;
        return new ResourceStatus(spec.name(), spec.description(), phase, pid, restarts, currentDetail());
    }

    private String currentDetail() {
        if (phase != Phase.RUNNING && phase != Phase.FAILED) {
            return detail;
        }
        for (Checker c : checkers) {
            if (c.failed() && c.lastResult().isPresent()) {
                return c.spec().describe() + ": " + c.lastResult().get().detail();
            }
        }
        if (phase == Phase.FAILED || checkers.isEmpty()) {
            return detail;
        }
        return checkers.get(0).lastResult().map(ProbeResult::detail).orElse(detail);
    }

    private Process spawn(boolean asStandby) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(spec.start()).redirectErrorStream(true);
        builder.environment().putAll(spec.env());
        if (asStandby) {
            builder.environment().put(ResourceSpec.STANDBY_ENV, "1");
        } else {
            builder.environment().remove(ResourceSpec.STANDBY_ENV); // not inherited from the daemon's own
        }
        if (spec.workDir() != null) {
            builder.directory(spec.workDir().toFile());
        }
        return builder.start();
    }

    /** Null once every checker's probe has passed once; otherwise why not. */
    private String awaitReady(Process p, BooleanSupplier cancelled) throws InterruptedException {
        if (readinessProbes.isEmpty()) {
            long wait = Math.min(NO_CHECKER_READY_MS, spec.startTimeoutMs());
            return p.waitFor(wait, TimeUnit.MILLISECONDS) ? "process exited with code " + p.exitValue() : null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.startTimeoutMs());
        boolean[] passed = new boolean[readinessProbes.size()];
        String lastFailure = "no probe finished";
        while (true) {
            if (!p.isAlive()) {
                return "process exited with code " + p.exitValue() + " before it was ready";
            }
            if (cancelled.getAsBoolean()) {
                return "start cancelled: resources were killed";
            }
            boolean all = true;
            for (int i = 0; i < passed.length; i++) {
                if (!passed[i]) {
                    ProbeResult r = readinessProbes.get(i).probe();
                    passed[i] = r.ok();
                    all &= r.ok();
                    lastFailure = r.ok() ? lastFailure : r.detail();
                }
            }
            if (all) {
                return null;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return "not ready after " + spec.startTimeoutMs() + " ms (" + lastFailure + ")";
            }
            p.waitFor(Math.min(READY_POLL_MS, left), TimeUnit.MILLISECONDS);
        }
    }

    private void stopProcess(Process p, String reason) throws InterruptedException {
        new ProcessStopper(spec, appLog).stop(p, reason);
    }

    private String setFailed(Process p, String reason) {
        synchronized (this) {
            if (process == p) {
                process = null;
                phase = Phase.FAILED;
                detail = reason;
            }
        }
        return reason;
    }

    /** Every exit is logged; only an unplanned exit of the current process is a failure. */
    private void exited(Process p) {
        String what = "process exited with code " + p.exitValue();
        appLog.accept(spec.name(), spec.name() + " exited with code " + p.exitValue());
        synchronized (this) {
            if (process != p || (phase != Phase.RUNNING && phase != Phase.FAILED)) {
                return;
            }
            phase = Phase.FAILED;
            detail = what;
            checkers.forEach(Checker::stop);
        }
        listener.resourceFailed(spec.name(), what);
    }

    private static String exitCode(Process p) {
        return p.isAlive() ? "?" : String.valueOf(p.exitValue());
    }

    /** Turns checker transitions into resource failures and recoveries. */
    private final class CheckerEvents implements Checker.Listener {
        @Override
        public void onFailed(String what) {
            synchronized (ManagedResource.this) {
                if (phase != Phase.RUNNING) {
                    return;
                }
                phase = Phase.FAILED;
                detail = what;
            }
            listener.resourceFailed(spec.name(), what);
        }

        @Override
        public void onRecovered() {
            synchronized (ManagedResource.this) {
                boolean allHealthy = checkers.stream().noneMatch(Checker::failed);
                if (phase != Phase.FAILED || process == null || !process.isAlive() || !allHealthy) {
                    return;
                }
                phase = Phase.RUNNING;
                detail = "recovered";
            }
            listener.resourceRecovered(spec.name());
        }
    }
}
