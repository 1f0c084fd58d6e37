package io.vigil.core;

/**
 * The message two nodes exchange every heartbeat interval, on every heartbeat network.
 * It carries everything the peer's state machine needs; there is no other node-to-node message
 * in the core protocol. Authentication, replay protection and the wire format live in
 * {@code io.vigil.heartbeat}.
 *
 * <p>{@code grantEpoch} is the safety-critical field. A node that is not running the services
 * may grant its peer the right to run them in epoch {@code grantEpoch}. A grant is a promise:
 * the granting node will not start the services itself until it has heard nothing from the
 * peer for the peer-lost timeout, or the peer grants it a newer epoch. A grant newer than the
 * receiver's epoch lets it start the services (hand-over, swap, first start); a grant equal to
 * the receiver's running epoch lets it keep running while the witness cannot be reached.
 *
 * @param from             sender node id (1 or 2)
 * @param incarnation      greater at every daemon start (persisted), so a restarted peer is recognised
 * @param seq              sender's sequence number, strictly increasing within an incarnation
 * @param ackSeq           last {@code seq} the sender received from the receiver (-1 if none)
 * @param ackIncarnation   incarnation of the receiver that {@code ackSeq} belongs to (0 if none)
 * @param state            sender's public state
 * @param services         phase of the sender's services
 * @param servicesUpMs     how long the sender's services have been running (0 if not running)
 * @param epoch            sender's epoch (the term it runs or follows)
 * @param dataEpoch        epoch of the newest data the sender holds
 * @param sync             sender's replication status; a node running the services sends
 *                         UPTODATE when synchronous replication to the peer is on
 * @param grantEpoch       see above; 0 = no grant
 * @param swapRequest      the operator asked the sender (a SECOND) for a swap
 * @param swapWithoutSync  the requested swap may skip the up-to-date check
 * @param failoverEnabled  sender's "failover on" admin flag
 * @param recentFailovers  automatic failovers the sender knows of in the flapping window
 * @param lastFailoverEpoch epoch of the newest automatic failover the sender knows of (0 = none), so
 *                         a node that crashed and restarted relearns the cluster's history
 */
public record Heartbeat(
        int from,
        long incarnation,
        long seq,
        long ackSeq,
        long ackIncarnation,
        NodeState state,
        ServicesPhase services,
        long servicesUpMs,
        long epoch,
        long dataEpoch,
        SyncStatus sync,
        long grantEpoch,
        boolean swapRequest,
        boolean swapWithoutSync,
        boolean failoverEnabled,
        int recentFailovers,
        long lastFailoverEpoch) {
}
