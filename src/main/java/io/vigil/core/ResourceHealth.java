package io.vigil.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Local-restart policy and the "unavailable for N seconds after local restarts" failover
 * trigger (SPEC §2 trigger (b)), per resource.
 */
final class ResourceHealth {
    private final CoreConfig config;
    private final Map<String, Deque<Long>> restarts = new HashMap<>();
    private final Map<String, Long> exhaustedAt = new HashMap<>();
    private final Map<String, String> failing = new HashMap<>();

    ResourceHealth(CoreConfig config) {
        this.config = config;
    }

    /**
     * A resource failed. Returns true if it may be restarted in place (and records the restart);
     * false once the restarts in the window are used up (the failover delay then starts).
     */
    boolean failed(String resource, String detail, long nowMs) {
        failing.put(resource, detail);
        if (mayRestart(resource, nowMs)) {
            restarts.computeIfAbsent(resource, r -> new ArrayDeque<>()).addLast(nowMs);
            return true;
        }
        exhaustedAt.putIfAbsent(resource, nowMs);
        return false;
    }

    /**
     * Would a failure of {@code resource} now be restarted in place? What {@link #failed} will
     * answer, asked before it counts the failure (the decision is made before it is applied).
     */
    boolean mayRestart(String resource, long nowMs) {
        CoreConfig.RestartPolicy policy = config.restartPolicy(resource);
        Deque<Long> times = restarts.computeIfAbsent(resource, r -> new ArrayDeque<>());
        while (!times.isEmpty() && nowMs - times.peekFirst() > policy.windowMs()) {
            times.pollFirst();
        }
        return times.size() < policy.maxRestarts();
    }

    void recovered(String resource) {
        failing.remove(resource);
        exhaustedAt.remove(resource);
    }

    /** The resource that has been down past the failover delay after its restarts, or null. */
    String dueForFailover(long nowMs) {
        for (Map.Entry<String, Long> e : exhaustedAt.entrySet()) {
            if (nowMs - e.getValue() >= config.serviceFailoverDelayMs()) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Restart the failover delay (failover was not possible; try again after another delay). */
    void postpone(String resource, long nowMs) {
        exhaustedAt.put(resource, nowMs);
    }

    String detail(String resource) {
        return failing.getOrDefault(resource, "");
    }

    boolean anyFailing() {
        return !failing.isEmpty();
    }

    /** Forget everything: the services were stopped, a fresh start gets fresh restarts. */
    void reset() {
        restarts.clear();
        exhaustedAt.clear();
        failing.clear();
    }
}
