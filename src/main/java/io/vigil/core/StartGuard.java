package io.vigil.core;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bounds the attempts to start services that cannot start (issue 16). A start failure sends the
 * node back to joining, and its peer grants it the services again a second later: without a
 * bound, a cause that does not go away by itself (a data directory the database user cannot
 * reach, a missing binary) turns into a grant/fail loop, a new epoch and an alarm every second.
 * Like the flapping protection: at most {@code max} failed starts on this node inside the window,
 * then the node stops trying until an operator starts it. The first failure's detail is kept:
 * it is usually the real cause, the later ones its echoes.
 */
final class StartGuard {
    private final int max;
    private final long windowMs;
    private final Deque<Long> failures = new ArrayDeque<>();
    private String firstError;

    StartGuard(int max, long windowMs) {
        this.max = max;
        this.windowMs = windowMs;
    }

    /** Records a failed start; true when it uses up the attempts (the node must stop trying). */
    boolean failed(long nowMs, String detail) {
        expire(nowMs);
        if (failures.isEmpty()) {
            firstError = detail;
        }
        failures.addLast(nowMs);
        return failures.size() >= max;
    }

    /** The services started: earlier failures no longer say anything about the next start. */
    void reset() {
        failures.clear();
        firstError = null;
    }

    int count(long nowMs) {
        expire(nowMs);
        return failures.size();
    }

    int max() {
        return max;
    }

    String firstError() {
        return firstError == null ? "" : firstError;
    }

    private void expire(long nowMs) {
        while (!failures.isEmpty() && nowMs - failures.peekFirst() > windowMs) {
            failures.removeFirst();
        }
    }
}
