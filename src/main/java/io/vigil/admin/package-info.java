/**
 * The admin channels: how the CLI, the console and the peer reach a running node (issue 2,
 * SPEC §11 "admin 6259"; TLS and the local socket since issue 12).
 *
 * <p>One JSON object per line, one request per connection (protocol 3):
 * <pre>
 * server: {"node":1,"protocol":3}
 * client: {"protocol":3,"op":"status"}            (local socket only: "peer":true to relay)
 * server: {"ok":true,"status":{...}}   or   {"ok":false,"code":"bad-request|timeout|internal|version|denied|peer-...","error":"..."}
 * </pre>
 * Commands are {@code {"op":"command","command":"<word>","arg":"...","who":"user@host (cli)"}} with
 * the words of {@link io.vigil.core.Action} (checked by {@code Action.parse}); the node's refusal is an answer
 * ({@code accepted:false}), not an error. A big log answer comes in frames with {@code "more"}.
 *
 * <p>Two ways in, each authenticated before a line is read:
 * <ul>
 *   <li>{@link io.vigil.admin.AdminServer}: TCP, for the peer only, mutually authenticated TLS 1.3
 *       pinned to the cluster CA ({@link io.vigil.pki.ClusterTls}). The handshake is the
 *       pre-authentication phase: bounded in time and in concurrent connections
 *       ({@link io.vigil.admin.ConnectionGate}); refusals are logged with who and why.</li>
 *   <li>{@link io.vigil.admin.LocalAdminServer}: a Unix socket for the CLI on the node's machine,
 *       checked with the kernel's peer credentials ({@link io.vigil.admin.LocalAccess}); it relays
 *       requests marked {@code "peer"} to the peer over TLS, so the CLI holds no key.</li>
 * </ul>
 * {@code who} is what the client claims; the commands log adds what it cannot choose: the local
 * user, or the peer's address and certificate.
 *
 * <p>The servers only read the status snapshot or enqueue commands through
 * {@link io.vigil.api.NodeControl}; the state machine stays on its own event loop.
 */
package io.vigil.admin;
