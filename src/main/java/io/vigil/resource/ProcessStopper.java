package io.vigil.resource;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Stops one resource's process the OCF way: the stop command if there is one, else SIGTERM to
 * the tree; SIGKILL once {@code stopTimeoutMs} has passed; and finally SIGKILL to anything the
 * service left behind, so a restarted or failed-over service never finds its port still taken.
 */
final class ProcessStopper {

    /** After SIGKILL the kernel reaps quickly; this only bounds a pathological wait. */
    private static final long KILL_WAIT_MS = 5000;

    private final ResourceSpec spec;
    private final BiConsumer<String, String> appLog;

    ProcessStopper(ResourceSpec spec, BiConsumer<String, String> appLog) {
        this.spec = spec;
        this.appLog = appLog;
    }

    void stop(Process process, String reason) throws InterruptedException {
        ProcessTree tree = new ProcessTree(process.toHandle());
        if (process.isAlive()) {
            appLog.accept(spec.name(), "stopping " + spec.name() + " (" + reason + ")");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(spec.stopTimeoutMs());
            if (spec.stop().isEmpty()) {
                tree.terminate();
            } else {
                runStopCommand(deadline);
            }
            if (!tree.awaitRoot(millisUntil(deadline))) {
                appLog.accept(spec.name(), spec.name() + " did not stop within " + spec.stopTimeoutMs()
                        + " ms, sending SIGKILL");
                tree.kill();
            }
        }
        tree.killOrphans();
        if (!tree.awaitAll(KILL_WAIT_MS)) {
            appLog.accept(spec.name(), "some processes of " + spec.name() + " survived SIGKILL");
        }
    }

    private void runStopCommand(long deadline) throws InterruptedException {
        List<String> command = spec.stop();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(spec.env());
        if (spec.workDir() != null) {
            builder.directory(spec.workDir().toFile());
        }
        Process stopper;
        try {
            stopper = builder.start();
        } catch (IOException e) {
            appLog.accept(spec.name(), "stop command of " + spec.name() + " could not run: " + e.getMessage());
            return;
        }
        OutputPump.start(spec.name(), stopper.getInputStream(), appLog);
        if (stopper.waitFor(millisUntil(deadline), TimeUnit.MILLISECONDS)) {
            appLog.accept(spec.name(), "stop command of " + spec.name() + " exited with code " + stopper.exitValue());
        } else {
            appLog.accept(spec.name(), "stop command of " + spec.name() + " timed out, killing it");
            new ProcessTree(stopper.toHandle()).kill();
        }
    }

    private static long millisUntil(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
