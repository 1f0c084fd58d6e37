package io.vigil.core;

/** Monotonic milliseconds. Real: {@code System.nanoTime()}; simulated: the simulator's time. */
@FunctionalInterface
public interface Clock {
    long nowMs();
}
