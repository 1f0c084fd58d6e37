package io.vigil.sim;

/**
 * A lease service with the semantics the real {@code vigil witness} must have: one holder at a
 * time; a lease is granted to someone else only after the holder's expired; the highest epoch
 * ever registered is remembered; an answer carries the highest registered before its request
 * (as {@code LeaseTable} does), so a requester's own new epoch never hides a run it missed.
 */
final class SimWitness {
    final long leaseMs;
    int holder;
    long expiresAt;
    long highestEpoch;
    /** The highest epoch before the last request: what its answer carries. */
    long highestBefore;

    SimWitness(long leaseMs) {
        this.leaseMs = leaseMs;
    }

    /** Returns true if granted (and registers the epoch). */
    boolean request(int node, long epoch, long now) {
        highestBefore = highestEpoch;
        if (holder == 0 || holder == node || now >= expiresAt) {
            holder = node;
            expiresAt = now + leaseMs;
            highestEpoch = Math.max(highestEpoch, epoch);
            return true;
        }
        return false;
    }

    void release(int node) {
        if (holder == node) {
            holder = 0;
        }
    }
}
