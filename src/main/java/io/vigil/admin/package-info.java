/**
 * The admin channel: how the CLI (and later the console) reaches a running node (issue 2,
 * SPEC §11 "local admin 6259").
 *
 * <p>TCP, one JSON object per line, one request per connection:
 * <pre>
 * server: {"challenge":"&lt;64 hex&gt;","node":1,"protocol":1}
 * client: {"request":{"op":"status"},"mac":"&lt;hex HMAC-SHA256(clusterKey, challenge + "\n" + canonical(request))&gt;"}
 * server: {"ok":true,"status":{...}}   or   {"ok":false,"code":"auth|bad-request|timeout|internal|busy","error":"..."}
 * </pre>
 * {@code canonical} is compact JSON with keys sorted at every level. A fresh random challenge per
 * connection makes a captured request useless on the next one. Commands are
 * {@code {"op":"command","command":"<word>","arg":"...","who":"user@host (cli)"}} with the words of
 * {@link io.vigil.admin.CommandWords}; the node's refusal is an answer ({@code accepted:false}),
 * not an error. Responses are not signed: the channel trusts the network between the CLI and the
 * node, which by default is loopback (node-to-node TLS is SPEC §7's later work).
 *
 * <p>Before authentication a connection holds a thread for nobody we know, so it gets little: the
 * signed request must arrive within a few seconds of connecting, each address may hold a few
 * connections, and threads are kept for the peer's {@code peer.adminAddress}
 * ({@link io.vigil.admin.ConnectionGate}); anything beyond is answered {@code busy} at once.
 *
 * <p>{@link io.vigil.admin.AdminServer} only reads the status snapshot or enqueues commands through
 * {@link io.vigil.api.NodeControl}; the state machine stays on its own event loop.
 */
package io.vigil.admin;
