package io.vigil.sim;

/**
 * A lease service with the semantics the real {@code vigil witness} must have: one holder at a
 * time; a lease is granted to someone else only after the holder's expired; the highest epoch
 * ever registered is remembered and returned with every answer.
 */
final class SimWitness {
    final long leaseMs;
    int holder;
    long expiresAt;
    long highestEpoch;

    SimWitness(long leaseMs) {
        this.leaseMs = leaseMs;
    }

    /** Returns true if granted (and registers the epoch). */
    boolean request(int node, long epoch, long now) {
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
