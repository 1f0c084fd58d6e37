package io.vigil.checker;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ok when the command exits 0 within the timeout (keepalived MISC_CHECK, an OCF "monitor").
 * A command that hangs is killed with its children, so a stuck health script cannot pile up
 * one process per interval.
 */
public final class CommandProbe implements Probe {

    private final List<String> command;
    private final long timeoutMs;

    public CommandProbe(List<String> command, long timeoutMs) {
        this.command = List.copyOf(command);
        this.timeoutMs = timeoutMs;
    }

    @Override
    public ProbeResult probe() {
        String name = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return ProbeResult.failed("cannot run '" + name + "': " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                kill(process);
                return ProbeResult.failed("'" + name + "' timed out after " + timeoutMs + " ms");
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return ProbeResult.failed("'" + name + "' interrupted");
        }
        int code = process.exitValue();
        return code == 0
                ? ProbeResult.ok("'" + name + "' exited 0")
                : ProbeResult.failed("'" + name + "' exited with code " + code);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
