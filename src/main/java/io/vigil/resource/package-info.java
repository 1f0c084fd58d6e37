/**
 * Protected services as real OS processes (SPEC §1 "Resources", §2), in the manner of
 * Pacemaker/OCF resource agents and a WSFC generic-service role.
 *
 * <p>{@link io.vigil.resource.ResourceManager} starts resources in dependency order, waits until
 * each is ready (its checkers' probes pass once), watches them with {@link io.vigil.checker}
 * checkers and process-exit detection, and stops them in reverse order. Start and stop are
 * idempotent: starting a running resource and stopping a stopped one both succeed.
 *
 * <pre>
 *  STOPPED --start--> STARTING --ready--> RUNNING <--recovered-- FAILED
 *     ^                  |                   |  \--checker failed / exit-->/
 *     |                  +--exit/timeout--> FAILED
 *     +------ STOPPING <--stop-- (RUNNING | FAILED | STARTING)
 * </pre>
 */
package io.vigil.resource;
