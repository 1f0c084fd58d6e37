package io.vigil.witness;

/**
 * One lease request (node to witness) or answer (witness to node). Both directions use the same
 * record; the witness fills the answer fields.
 *
 * @param cluster      cluster name: the witness serves several clusters, each with its own key
 * @param node         1 or 2
 * @param incarnation  the requesting daemon's incarnation (replay protection with {@code seq})
 * @param seq          strictly increasing per incarnation
 * @param op           "acquire", "renew" or "release" in a request; "answer" in an answer
 * @param epoch        the epoch the node asks the witness to register (echoed in the answer)
 * @param durationMs   lease duration asked (request) or granted (answer)
 * @param granted      answer: the lease is the node's for {@code durationMs} from the answer
 * @param highestEpoch answer: the highest epoch ever registered for this cluster
 * @param holder       answer: the current holder (0 = none)
 * @param reason       answer: why a request was refused, for the node's log
 */
public record LeaseMessage(String cluster, int node, long incarnation, long seq, String op, long epoch,
                           long durationMs, boolean granted, long highestEpoch, int holder, String reason) {

    public static LeaseMessage request(String cluster, int node, long incarnation, long seq, String op, long epoch,
                                       long durationMs) {
        return new LeaseMessage(cluster, node, incarnation, seq, op, epoch, durationMs, false, 0, 0, "");
    }

    LeaseMessage answer(boolean ok, long grantedMs, long highest, int currentHolder, String why) {
        return new LeaseMessage(cluster, node, incarnation, seq, "answer", epoch, grantedMs, ok, highest,
                currentHolder, why);
    }
}
