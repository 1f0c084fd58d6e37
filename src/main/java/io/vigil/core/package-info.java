/**
 * The cluster's brain: a pure, deterministic state machine per node ({@link io.vigil.core.Node}).
 * Events in ({@link io.vigil.core.Event}), effects out ({@link io.vigil.core.Effect}); it never
 * touches sockets, files, processes, threads or the wall clock, so the simulator in the tests
 * runs it unchanged.
 *
 * <h2>States</h2>
 * <pre>
 *                 boot (keep / enabled)                     peer grants us a new epoch
 *   (boot) ───────────────────────────► WAIT:JOINING ─────────────────────────────┐
 *     │ boot disabled /                   │   ▲   │ peer runs the services          │
 *     │ keep after STOP                   │   │   ▼                                 ▼
 *     ▼                          start    │   │  SECOND ── peer lost ──► WAIT:ACQUIRING ──► WAIT:STARTING
 *    STOP ◄───── stop ────────────────────┘   │   │  ▲      (+ witness lease)     │ lease   (services start)
 *     ▲                                       │   │  │ failback: rejoin           │ refused      │
 *     │ stop (services stop first)            │   │  └──────────────────────┐     ▼              ▼
 *     │                                       │   └─ peer lost, no failover ─┤   WAIT (red)   PRIM / ALONE
 *     └────────── WAIT:STOPPING ◄── stop / swap / restart / service failover / fence / split brain ──┘
 * </pre>
 * The boxes are the internal modes ({@link io.vigil.core.Mode}; "WAIT:JOINING" is mode JOINING,
 * shown as WAIT; before its Boot event a node is in mode BOOTING). The legal moves are one table,
 * {@link io.vigil.core.Transitions#LEGAL} (rendered as a Mermaid diagram in docs/architecture.md,
 * checked by {@code TransitionsTest}); {@code Node#moveTo} is the only code that changes the mode
 * and throws {@link java.lang.IllegalStateException} on any other move. Each published change is
 * logged {@code state=A->B reason=CODE epoch=N (detail)} with a {@link io.vigil.core.Reason}.
 * What every (mode, event) pair does is pinned in {@code src/test/resources/io/vigil/core/transitions.txt}.
 * PRIM and ALONE differ only in whether the peer follows (SECOND). Colours: PRIM, SECOND, ALONE
 * green; STOP red; WAIT magenta while it makes progress, red while it is blocked (peer absent,
 * stale data, lease held elsewhere, failover off).
 *
 * <h2>Why two nodes never run the services at once</h2>
 * <ul>
 *   <li><b>Grants.</b> A node that is not running the services may grant its peer an epoch
 *   (field {@code grantEpoch} of every {@link io.vigil.core.Heartbeat}). A grant is a promise:
 *   the granting node will not start the services until it has heard nothing from the peer for
 *   the peer-lost timeout, or the peer grants it a newer epoch. While both nodes hear each
 *   other, services only start on a grant, and a grant newer than the receiver's epoch is
 *   needed, so two nodes can never both hold a fresh grant from each other.</li>
 *   <li><b>Epochs.</b> Node 1 runs only odd epochs, node 2 only even ones
 *   ({@link io.vigil.core.Epochs}); {@code dataEpoch} says whose data is newest, so after a
 *   double failure the node with the newest data runs, and the other waits (SPEC §2, both
 *   nodes lose power).</li>
 *   <li><b>Witness lease.</b> With a witness, a node whose peer is silent runs the services only
 *   while it holds the lease or a still-valid grant, and stops them {@code fenceMarginMs}
 *   before both could expire (self-fencing, {@code Fencing#fenceIfUnauthorised}). Validity is
 *   measured from when <em>we sent</em> the request, so delay only shortens it; a watchdog
 *   ({@link io.vigil.core.Effect.ArmWatchdog}) is the backstop for a paused daemon.</li>
 *   <li><b>No lost acknowledged write.</b> The runner replicates synchronously while the peer
 *   follows. Before it may acknowledge writes asynchronously it moves to a new epoch, registered
 *   with the witness first, so the old replica can no longer take over (Patroni's
 *   synchronous-mode rule). A SECOND takes over only if its data is up to date for the
 *   current epoch and the witness has seen no newer one.</li>
 *   <li><b>Failure detection</b> accumulates silence tick by tick, each tick capped
 *   ({@link io.vigil.core.PeerView}); a clock step or a pause adds at most one capped tick.</li>
 * </ul>
 * Without a witness the nodes cannot tell a dead peer from a cut link: a split runs the
 * services on both (warned at boot and in every status). When they hear each other again, the
 * node that has run the services longer keeps them; the other stops, raises SPLIT_BRAIN and
 * resynchronises ({@link io.vigil.core.Runner}).
 *
 * <h2>Where each decision is made</h2>
 * {@link io.vigil.core.Joiner}, {@link io.vigil.core.Takeover}, {@link io.vigil.core.Runner},
 * {@link io.vigil.core.Commands}, {@link io.vigil.core.Lifecycle}, {@link io.vigil.core.Fencing} and
 * {@link io.vigil.core.Heartbeats} are functions of a read-only {@link io.vigil.core.NodeView}: they
 * return a {@link io.vigil.core.Decision} (next mode, reason, effects and the state changes to make,
 * in order) and never write the node; {@code Node#apply} carries the decision out, expanding its
 * compound actions (start, stop, take over, ...) with {@link io.vigil.core.Compound} when it
 * reaches them. {@code Node} holds the state, records what it observes (the failure detector,
 * resource recoveries) and applies decisions; it decides nothing itself.
 * <ul>
 *   <li>which mode changes are legal: {@link io.vigil.core.Transitions}</li>
 *   <li>failover on peer loss: {@link io.vigil.core.Takeover}</li>
 *   <li>failover on a failed service, swap, split brain, sync/async: {@link io.vigil.core.Runner}</li>
 *   <li>joining, standing by, acquiring the lease; who runs after a start or a double failure:
 *   {@link io.vigil.core.Joiner} ({@code Joiner#shouldPeerRun}); the grants this node gives:
 *   {@code Heartbeats#grantForPeer}</li>
 *   <li>boot, services started, stopped, failed to start, killed by the watchdog; restart in place:
 *   {@link io.vigil.core.Lifecycle}</li>
 *   <li>lease renewal, self-fencing, the watchdog deadline: {@link io.vigil.core.Fencing}</li>
 *   <li>operator commands and their refusals: {@link io.vigil.core.Commands}</li>
 *   <li>local restarts and the 30 s trigger: {@link io.vigil.core.ResourceHealth}; flapping:
 *   {@link io.vigil.core.FlapGuard}</li>
 * </ul>
 */
package io.vigil.core;
