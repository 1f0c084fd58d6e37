/**
 * The web console and its JSON REST API (SPEC §5, §7): one HTTP server per node, started by the
 * daemon when the configuration has a {@code console:} section.
 *
 * <p>The server never touches the state machine: like the admin channel it reads the immutable
 * status snapshot and submits commands through {@link io.vigil.daemon.NodeControl}; the peer
 * node is reached through its admin channel ({@link io.vigil.admin.AdminClient}), so either
 * node's console shows and controls the whole cluster.
 *
 * <ul>
 *   <li>{@link io.vigil.console.ConsoleServer} — wiring, routing, static files.</li>
 *   <li>{@code Sessions}, {@code LoginGuard}, {@code PasswordHash} — login, CSRF, rate limiting.</li>
 *   <li>{@code ClusterView}, {@code NodeAccess} — both nodes' status, logs and commands.</li>
 *   <li>{@code EventStream} — server-sent events when the cluster changes (within 1 s).</li>
 *   <li>{@code Metrics}, {@code Snapshot} — Prometheus text and the support snapshot zip.</li>
 * </ul>
 */
package io.vigil.console;
