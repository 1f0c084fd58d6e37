package io.vigil.witness;

import io.vigil.core.Clock;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The witness's decisions, one lease per cluster: at most one holder; a lease passes to the other
 * node only after the holder's has expired here; the highest epoch ever registered is kept on
 * disk (written before the grant is answered) and returned with every answer, so a node whose
 * peer ran without it learns that its data is stale. Pure apart from the epoch store.
 *
 * <p>After a restart the witness knows nothing of the leases it granted before, so it grants
 * none for {@code maxLeaseMs}: every earlier lease has expired by then.
 *
 * <p>Replays: a node's requests carry (incarnation, seq), and that pair must only increase. The
 * latest incarnation of each node is on disk before any request of it is acted on, so a recorded
 * request of an earlier incarnation (say, a {@code release} that would free the lease early) is
 * refused, also after a witness restart (issue 10, item 2).
 */
public final class LeaseTable {

    /**
     * Where the highest registered epoch of each cluster, and the latest incarnation of each of
     * its nodes, survive restarts.
     */
    public interface EpochStore {
        long load(String cluster) throws IOException;

        void save(String cluster, long epoch) throws IOException;

        /** The latest incarnation seen from {@code node} of {@code cluster}; 0 if none. */
        long loadIncarnation(String cluster, int node) throws IOException;

        /** Durable when this returns: a replay of any earlier incarnation stays refused after a restart. */
        void saveIncarnation(String cluster, int node, long incarnation) throws IOException;
    }

    private static final class Lease {
        int holder;
        long expiresAt;
        long highestEpoch;
        /** Per node (index 1, 2): the latest incarnation and seq accepted; loaded on first use. */
        final long[] incarnation = new long[3];
        final long[] seq = new long[3];
        final boolean[] loaded = new boolean[3];
    }

    /** Starts the reason of every answer to a replayed or reordered request. */
    private static final String STALE = "stale: ";

    private final Clock clock;
    private final long maxLeaseMs;
    private final long quietUntil;
    private final EpochStore store;
    private final Map<String, Lease> leases = new HashMap<>();

    public LeaseTable(Clock clock, long maxLeaseMs, EpochStore store) {
        this.clock = clock;
        this.maxLeaseMs = maxLeaseMs;
        this.quietUntil = clock.nowMs() + maxLeaseMs;
        this.store = store;
    }

    /** True for the answer to a replayed or reordered request (which changed nothing). */
    public static boolean isStale(LeaseMessage answer) {
        return answer.reason().startsWith(STALE);
    }

    /** Answers an authenticated request. */
    public synchronized LeaseMessage handle(LeaseMessage req) throws IOException {
        if (req.node() != 1 && req.node() != 2) {
            return req.answer(false, 0, 0, 0, "node must be 1 or 2");
        }
        Lease l = leases.get(req.cluster());
        if (l == null) {
            l = new Lease();
            l.highestEpoch = store.load(req.cluster());
            leases.put(req.cluster(), l);
        }
        String stale = admit(req, l);
        if (stale != null) {
            return req.answer(false, 0, l.highestEpoch, l.holder, stale);
        }
        long now = clock.nowMs();
        if ("release".equals(req.op())) {
            if (l.holder == req.node()) {
                l.holder = 0;
            }
            return req.answer(false, 0, l.highestEpoch, l.holder, "released");
        }
        if (!"acquire".equals(req.op()) && !"renew".equals(req.op())) {
            return req.answer(false, 0, l.highestEpoch, l.holder, "unknown op '" + req.op() + "'");
        }
        if (now < quietUntil) {
            return req.answer(false, 0, l.highestEpoch, 0, "the witness restarted " + (now - quietUntil + maxLeaseMs)
                    + " ms ago and grants no lease for " + maxLeaseMs + " ms, so that earlier leases expire");
        }
        boolean free = l.holder == 0 || l.holder == req.node() || now >= l.expiresAt;
        if (!free) {
            return req.answer(false, 0, l.highestEpoch, l.holder,
                    "held by node" + l.holder + " for another " + (l.expiresAt - now) + " ms");
        }
        // The answer carries the highest epoch registered BEFORE this request: a node that takes
        // over compares it with its own data, and its own new epoch must not hide a run it missed.
        long before = l.highestEpoch;
        if (req.epoch() > l.highestEpoch) {
            store.save(req.cluster(), req.epoch()); // on disk before anyone may act on it
            l.highestEpoch = req.epoch();
        }
        long duration = Math.max(1, Math.min(req.durationMs(), maxLeaseMs));
        l.holder = req.node();
        l.expiresAt = now + duration;
        return req.answer(true, duration, before, l.holder, "");
    }

    /**
     * Records (incarnation, seq) of {@code req} if it is newer than the node's last one.
     *
     * @return null when admitted, else why the request is stale
     */
    private String admit(LeaseMessage req, Lease l) throws IOException {
        int n = req.node();
        if (!l.loaded[n]) {
            l.incarnation[n] = store.loadIncarnation(req.cluster(), n);
            l.loaded[n] = true;
        }
        if (req.incarnation() < l.incarnation[n]) {
            return STALE + "request of an earlier incarnation (" + req.incarnation() + " < " + l.incarnation[n]
                    + "): replayed or long delayed; ignored";
        }
        if (req.incarnation() == l.incarnation[n] && req.seq() <= l.seq[n]) {
            return STALE + "replayed or reordered request (seq " + req.seq() + ")";
        }
        if (req.incarnation() > l.incarnation[n]) {
            store.saveIncarnation(req.cluster(), n, req.incarnation()); // before acting on it
            l.incarnation[n] = req.incarnation();
        }
        l.seq[n] = req.seq();
        return null;
    }
}
