package io.vigil.checker;

import java.util.function.Supplier;

/**
 * One availability test, run once per call. Implementations must return within their own
 * timeout and report failures as a result rather than throwing, so that the policy sees them.
 */
@FunctionalInterface
public interface Probe {

    ProbeResult probe();

    /**
     * The probe described by {@code spec}.
     *
     * @param process the resource's current process (null when none); used by PROCESS probes only
     */
    static Probe of(CheckerSpec spec, Supplier<Process> process) {
        return switch (spec.type()) {
            case PROCESS -> new ProcessAliveProbe(process);
            case TCP -> new TcpProbe(spec.host(), spec.port(), spec.timeoutMs());
            case HTTP -> new HttpProbe(spec.url(), spec.expectStatus(), spec.timeoutMs());
            case COMMAND -> new CommandProbe(spec.command(), spec.timeoutMs());
        };
    }
}
