package io.vigil.config;

/**
 * Automatic failover policy (SPEC §2).
 *
 * @param enabled                "failover on" at first start (default true)
 * @param serviceFailoverDelayMs a resource down this long after local restarts fails over (default 30 s)
 * @param maxFailovers           flapping protection: automatic failovers allowed per window (default 2)
 * @param flappingWindowMs       default 6 h
 * @param fenceMarginMs          stop services this long before a lease expires (default 500)
 * @param maxStartFailures       failed starts on this node within the flapping window after which it
 *                               stops trying until an operator starts it (default 3)
 */
public record FailoverSection(boolean enabled, long serviceFailoverDelayMs, int maxFailovers,
                              long flappingWindowMs, long fenceMarginMs, int maxStartFailures) {
    public FailoverSection(boolean enabled, long serviceFailoverDelayMs, int maxFailovers, long flappingWindowMs,
                           long fenceMarginMs) {
        this(enabled, serviceFailoverDelayMs, maxFailovers, flappingWindowMs, fenceMarginMs,
                io.vigil.core.CoreConfig.DEFAULT_MAX_START_FAILURES);
    }
}
