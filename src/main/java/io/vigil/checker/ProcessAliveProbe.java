package io.vigil.checker;

import java.util.Objects;
import java.util.function.Supplier;

/** Ok while the resource's process is alive. The supplier follows restarts of the resource. */
public final class ProcessAliveProbe implements Probe {

    private final Supplier<Process> process;

    public ProcessAliveProbe(Supplier<Process> process) {
        this.process = Objects.requireNonNull(process, "process");
    }

    @Override
    public ProbeResult probe() {
        Process p = process.get();
        if (p == null) {
            return ProbeResult.failed("process not running");
        }
        if (p.isAlive()) {
            return ProbeResult.ok("pid " + p.pid() + " alive");
        }
        return ProbeResult.failed("process " + p.pid() + " exited with code " + p.exitValue());
    }
}
