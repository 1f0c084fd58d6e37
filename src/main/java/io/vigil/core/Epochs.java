package io.vigil.core;

/**
 * Epoch numbering. Node 1 runs the services only in odd epochs and node 2 only in even ones,
 * so an epoch names its runner: two runs in a split brain can never share an epoch, and data
 * from different runs is never mistaken for the same.
 */
final class Epochs {
    private Epochs() {
    }

    /** The smallest epoch above {@code above} in which {@code nodeId} may run the services. */
    static long next(int nodeId, long above) {
        long e = above + 1;
        return (e % 2 == nodeId % 2) ? e : e + 1;
    }
}
