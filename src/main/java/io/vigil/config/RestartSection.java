package io.vigil.config;

/** Local restarts before failover: at most {@code maxRestarts} within {@code windowMs} (SPEC §2). */
public record RestartSection(int maxRestarts, long windowMs) {
}
