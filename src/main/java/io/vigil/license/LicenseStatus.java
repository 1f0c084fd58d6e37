package io.vigil.license;

import java.time.LocalDate;

/**
 * Where a node stands with its license (SPEC §8), as {@code vigil license} and the console show it.
 *
 * @param license  the installed license when it is valid here, else null
 * @param demoEnds the last day of the 3-day demo (inclusive)
 * @param message  one line for the operator: the state, and what to do when something is wrong
 */
public record LicenseStatus(Kind kind, String message, License license, LocalDate demoEnds) {

    public enum Kind {
        /** A valid license for these two hosts, not expired. */
        LICENSED,
        /** No valid license, within the demo period. */
        DEMO,
        /** No valid license and the demo is over: the management service is stopped daily. */
        UNLICENSED
    }

    /** Whether the management service must be stopped (once a day) for want of a license. */
    public boolean enforced() {
        return kind == Kind.UNLICENSED;
    }
}
