/**
 * The admin channel: how the CLI (and later the console) reaches a running node (issue 2,
 * SPEC §11 "local admin 6259").
 *
 * <p>TCP, one JSON object per line, one request per connection (protocol 2):
 * <pre>
 * server: {"challenge":"&lt;64 hex&gt;","node":1,"protocol":2}
 * client: {"request":{"op":"status","nonce":"&lt;64 hex&gt;"},"mac":"&lt;hex HMAC-SHA256(adminKey, challenge + "\n" + canonical(request))&gt;"}
 * server: {"ok":true,"status":{...},"frame":0,"mac":"&lt;hex&gt;"}   or   {"ok":false,"code":"auth|bad-request|timeout|internal|busy|version","error":"...",...}
 * </pre>
 * {@code canonical} is compact JSON with keys sorted at every level; {@code adminKey} is
 * {@code ClusterKeys#admin}, derived from the cluster key and used for nothing else. A fresh random
 * challenge per connection makes a captured request useless on the next one; the client's fresh
 * nonce and the frame index, both under the answer's MAC (see {@link io.vigil.admin.AdminProtocol}),
 * make a forged, replayed, reordered or dropped answer frame fail at the client. Commands are
 * {@code {"op":"command","command":"<word>","arg":"...","who":"user@host (cli)"}} with the words of
 * {@link io.vigil.admin.CommandWords}; the node's refusal is an answer ({@code accepted:false}),
 * not an error. {@code who} is what the client claims: every holder of the admin key can claim any
 * name, so the commands log adds the address the request came from.
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
