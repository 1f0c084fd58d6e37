package io.vigil.heartbeat;

/**
 * A received datagram was not accepted as a heartbeat. Rejections are routine (stray traffic,
 * a peer from another cluster, replays), so this is a checked exception the receive loop counts
 * and reports; it never carries a stack trace, because building one per junk datagram would let
 * anyone flooding the port burn our CPU.
 */
public final class HeartbeatRejected extends Exception {

    /** Why a datagram was rejected, in the order the checks run. */
    public enum Reason {
        /** Shorter than the wire format needs. */
        TOO_SHORT,
        /** Does not start with "VGHB": not a Vigil heartbeat at all. */
        BAD_MAGIC,
        /** A Vigil heartbeat of a wire version this node does not speak. */
        BAD_VERSION,
        /** A heartbeat of another Vigil cluster sharing the network. */
        WRONG_CLUSTER,
        /** The HMAC does not match: wrong cluster key, or altered in transit. */
        BAD_MAC,
        /** Authentic, but the fields do not parse (sender bug or version skew). */
        MALFORMED,
        /** Authentic, but already seen, or from an earlier incarnation of the sender. */
        REPLAYED,
        /** Authentic, but from ourselves or from a node id that is not 1 or 2. */
        WRONG_SENDER
    }

    private final Reason reason;

    public HeartbeatRejected(Reason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
