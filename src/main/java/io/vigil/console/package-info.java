/**
 * The web console and its JSON REST API (SPEC §5, §7): one HTTP server per node, started by the
 * daemon when the configuration has a {@code console:} section.
 *
 * <p>The server never touches the state machine: like the admin channel it reads the immutable
 * status snapshot and submits commands through {@link io.vigil.api.NodeControl}; the peer
 * node is reached through its admin channel ({@link io.vigil.admin.AdminClient}), so either
 * node's console shows and controls the whole cluster.
 *
 * <p>It runs inside the daemon's JVM, so whatever a client can make it hold is bounded (issue 10
 * item 3, docs/security.md): threads, connections in all and per address, header and body sizes,
 * the time to send a request, and the password hashes run at once and per address.
 *
 * <ul>
 *   <li>{@link io.vigil.console.ConsoleServer} — wiring, routing, static files.</li>
 *   <li>{@code ConsoleHttp}, {@code ConnectionGuard}, {@code Exchange}, {@code JsonErrors} — the Jetty 12
 *       server and its limits; a request and its answer; refusals of the HTTP layer as JSON.</li>
 *   <li>{@code Sessions}, {@code LoginGuard}, {@code PasswordCheck}, {@code PasswordHash}, {@code MetricsToken},
 *       {@code ThrottledLog} — login, CSRF, rate limiting, the scrape token, failed logins in the log.</li>
 *   <li>{@code ClusterView}, {@code NodeAccess} — both nodes' status, logs and commands.</li>
 *   <li>{@code EventStream} — server-sent events when the cluster changes (within 1 s).</li>
 *   <li>{@code Metrics}, {@code Snapshot} — Prometheus text and the support snapshot zip.</li>
 * </ul>
 */
package io.vigil.console;
