package io.vigil.vms.failover;

/**
 * How one recording server is protected (SPEC §9): by the sequence of a primary failover group,
 * then of an optional secondary group (cold standby), or by one failover server dedicated to it
 * (hot standby).
 */
public sealed interface Protection {

    /** Cold standby: the first available server of {@code primaryGroup}, else of {@code secondaryGroup} (may be null). */
    record Cold(long primaryGroup, Long secondaryGroup) implements Protection {
    }

    /** Hot standby: {@code standby} alone, which keeps this recording server's configuration in sync. */
    record Hot(long standby) implements Protection {
    }
}
