package io.vigil.core;

/**
 * Tracks this node's right to run the services when a witness is configured: the witness
 * lease, and the peer's grant (its promise not to start the services). The node may run the
 * services while either is valid; it must have stopped them before both expire (SPEC §4,
 * self-fencing). Validity is always computed from the moment this node <em>sent</em> the
 * request, never from when the answer arrived, so network delay only shortens it.
 */
final class Authority {
    /** Clocks may drift by this fraction between nodes and witness; validity is shortened by it. */
    static final double DRIFT = 0.01;

    private final long[] sentAt = new long[128];
    private final long[] sentSeq = new long[128];
    private long leaseValidUntil = Long.MIN_VALUE;
    private long leaseEpoch = -1;
    private long grantValidUntil = Long.MIN_VALUE;
    private long pendingLeaseSentAt = -1;

    /** Remembers when heartbeat {@code seq} was sent, to date the peer's acknowledgements. */
    void heartbeatSent(long seq, long nowMs) {
        int i = (int) (seq % sentAt.length);
        sentAt[i] = nowMs;
        sentSeq[i] = seq;
    }

    /**
     * The peer's latest heartbeat grants (or not) our running epoch. A grant acknowledging our
     * heartbeat {@code ackSeq} is a promise valid {@code validityMs} after we sent that heartbeat.
     * A heartbeat without the grant revokes it: the peer may be about to act on its own.
     */
    void peerGrant(boolean grantsOurEpoch, long ackSeq, long validityMs) {
        if (!grantsOurEpoch || ackSeq < 0) {
            grantValidUntil = Long.MIN_VALUE;
            return;
        }
        int i = (int) (ackSeq % sentAt.length);
        if (sentSeq[i] != ackSeq) {
            return; // too old to date: keep what we had
        }
        long until = sentAt[i] + (long) (validityMs * (1 - DRIFT));
        grantValidUntil = Math.max(grantValidUntil, until);
    }

    void revokeGrant() {
        grantValidUntil = Long.MIN_VALUE;
    }

    void leaseRequested(long nowMs) {
        pendingLeaseSentAt = nowMs;
    }

    boolean leaseRequestPending(long nowMs, long retryAfterMs) {
        return pendingLeaseSentAt >= 0 && nowMs - pendingLeaseSentAt < retryAfterMs;
    }

    void leaseGranted(long requestedAtMs, long durationMs, long epoch) {
        long until = requestedAtMs + (long) (durationMs * (1 - DRIFT));
        leaseValidUntil = Math.max(leaseValidUntil, until);
        // The witness keeps the highest epoch ever registered, whatever order the answers arrive in.
        leaseEpoch = Math.max(leaseEpoch, epoch);
        if (requestedAtMs == pendingLeaseSentAt) {
            pendingLeaseSentAt = -1;
        }
    }

    void leaseAnswered(long requestedAtMs) {
        if (requestedAtMs == pendingLeaseSentAt) {
            pendingLeaseSentAt = -1;
        }
    }

    void dropLease() {
        leaseValidUntil = Long.MIN_VALUE;
        leaseEpoch = -1;
        pendingLeaseSentAt = -1;
    }

    boolean leaseValid(long nowMs, long marginMs) {
        return valid(leaseValidUntil, marginMs, nowMs);
    }

    /** Regression: {@code Long.MIN_VALUE - margin} wraps around, so "none" must be tested first. */
    private static boolean valid(long until, long marginMs, long nowMs) {
        return until != Long.MIN_VALUE && until - marginMs > nowMs;
    }

    /** Epoch registered with the witness by the newest valid lease, or -1. */
    long leaseEpoch() {
        return leaseEpoch;
    }

    boolean grantValid(long nowMs, long marginMs) {
        return valid(grantValidUntil, marginMs, nowMs);
    }

    /** The moment after which neither lease nor grant lets us run (Long.MIN_VALUE if none). */
    long permittedUntil() {
        return Math.max(leaseValidUntil, grantValidUntil);
    }

    long leaseValidUntil() {
        return leaseValidUntil;
    }
}
