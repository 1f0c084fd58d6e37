/**
 * Checkers: probes that decide whether a protected service is available (SPEC §1, §2).
 *
 * <p>As in keepalived's {@code check/}, the probe (one TCP connect, one HTTP GET, one command
 * run, one process-liveness look) is kept apart from the policy that turns a stream of probe
 * results into "failed" / "recovered" transitions ({@link io.vigil.checker.CheckerPolicy}:
 * fall, rise, warm-up). {@link io.vigil.checker.Checker} schedules one probe and one policy.
 */
package io.vigil.checker;
