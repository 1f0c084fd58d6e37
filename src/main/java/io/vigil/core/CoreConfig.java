package io.vigil.core;

import java.util.Map;

/**
 * The timings and policies the state machine needs. Built from the daemon's configuration file
 * ({@code io.vigil.config}); defaults follow SPEC §2.
 *
 * @param nodeId                 1 or 2
 * @param heartbeatIntervalMs    heartbeat period (default 1000)
 * @param peerTimeoutMs          silence after which the peer is lost (default 3000: three missed intervals)
 * @param witnessConfigured      a witness lease is required to run the services without the peer
 * @param leaseMs                lease duration asked from the witness (default = peerTimeoutMs)
 * @param fenceMarginMs          how long before a lease/grant expires the node stops its services
 *                               (covers kill time, clock drift and scheduling; default 500)
 * @param serviceFailoverDelayMs a resource unavailable this long after local restarts fails over (default 30 s)
 * @param restart                default local-restart policy
 * @param restartOverrides       per-resource local-restart policies
 * @param flapMaxFailovers       automatic failovers allowed in the flapping window (default 2)
 * @param flapWindowMs           flapping window (default 6 h)
 * @param maxStartFailures       failed starts of the services on this node within the flapping window
 *                               after which it stops trying (STOP, alarm START_BLOCKED) until an
 *                               operator starts it again (default 3; issue 16: never loop on a
 *                               start that cannot succeed)
 */
public record CoreConfig(
        int nodeId,
        long heartbeatIntervalMs,
        long peerTimeoutMs,
        boolean witnessConfigured,
        long leaseMs,
        long fenceMarginMs,
        long serviceFailoverDelayMs,
        RestartPolicy restart,
        Map<String, RestartPolicy> restartOverrides,
        int flapMaxFailovers,
        long flapWindowMs,
        int maxStartFailures) {

    public static final int DEFAULT_MAX_START_FAILURES = 3;

    /** Local restart policy: at most {@code maxRestarts} restarts within {@code windowMs}. */
    public record RestartPolicy(int maxRestarts, long windowMs) { }

    public CoreConfig {
        if (nodeId != 1 && nodeId != 2) {
            throw new IllegalArgumentException("nodeId must be 1 or 2, was " + nodeId);
        }
        if (heartbeatIntervalMs <= 0 || peerTimeoutMs < 2 * heartbeatIntervalMs) {
            throw new IllegalArgumentException("peerTimeoutMs (" + peerTimeoutMs
                    + ") must be at least two heartbeat intervals (" + heartbeatIntervalMs + ")");
        }
        if (fenceMarginMs < 0 || fenceMarginMs >= peerTimeoutMs - heartbeatIntervalMs) {
            throw new IllegalArgumentException("fenceMarginMs (" + fenceMarginMs
                    + ") must be smaller than peerTimeoutMs minus one heartbeat interval");
        }
        if (maxStartFailures < 1) {
            throw new IllegalArgumentException("maxStartFailures must be at least 1, was " + maxStartFailures);
        }
        restartOverrides = Map.copyOf(restartOverrides);
    }

    /** The same with the default start-failure limit. */
    public CoreConfig(int nodeId, long heartbeatIntervalMs, long peerTimeoutMs, boolean witnessConfigured,
                      long leaseMs, long fenceMarginMs, long serviceFailoverDelayMs, RestartPolicy restart,
                      Map<String, RestartPolicy> restartOverrides, int flapMaxFailovers, long flapWindowMs) {
        this(nodeId, heartbeatIntervalMs, peerTimeoutMs, witnessConfigured, leaseMs, fenceMarginMs,
                serviceFailoverDelayMs, restart, restartOverrides, flapMaxFailovers, flapWindowMs,
                DEFAULT_MAX_START_FAILURES);
    }

    /** SPEC defaults for node {@code nodeId}. */
    public static CoreConfig defaults(int nodeId, boolean witness) {
        return new CoreConfig(nodeId, 1000, 3000, witness, 3000, 500, 30_000,
                new RestartPolicy(3, 300_000), Map.of(), 2, 6 * 3600_000L);
    }

    public CoreConfig withTimings(long intervalMs, long timeoutMs) {
        long margin = Math.min(fenceMarginMs, Math.max(50, timeoutMs / 6));
        return new CoreConfig(nodeId, intervalMs, timeoutMs, witnessConfigured, timeoutMs, margin,
                serviceFailoverDelayMs, restart, restartOverrides, flapMaxFailovers, flapWindowMs, maxStartFailures);
    }

    public CoreConfig withMaxStartFailures(int max) {
        return new CoreConfig(nodeId, heartbeatIntervalMs, peerTimeoutMs, witnessConfigured, leaseMs, fenceMarginMs,
                serviceFailoverDelayMs, restart, restartOverrides, flapMaxFailovers, flapWindowMs, max);
    }

    public RestartPolicy restartPolicy(String resource) {
        return restartOverrides.getOrDefault(resource, restart);
    }

    /**
     * The peer cannot start services within this long after it last heard us (its grant promise):
     * its failure detector needs this much silence, counted in real time or less.
     */
    public long grantValidityMs() {
        return peerTimeoutMs;
    }
}
