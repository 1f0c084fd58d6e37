package io.vigil.witness;

import io.vigil.core.Effect;

/**
 * Where the node's witness lease comes from: a `vigil witness` ({@link WitnessClient}) or a ping
 * target ({@link PingWitnessClient}). Each {@link Effect.RequestLease} is answered later, on
 * another thread, by one {@code Event.LeaseReply} or {@code Event.LeaseUnreachable} carrying the
 * request's send time.
 */
public interface LeaseSource extends AutoCloseable {
    void request(Effect.RequestLease r);

    void release();

    @Override
    void close();
}
