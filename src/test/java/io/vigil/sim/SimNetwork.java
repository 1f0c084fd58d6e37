package io.vigil.sim;

import java.util.random.RandomGenerator;

/**
 * Directed links between the simulated hosts (node1 = 1, node2 = 2, witness = 0), each with its
 * own up/down switch, loss, duplication and delay range. Random delays reorder messages.
 */
final class SimNetwork {
    static final int WITNESS = 0;

    private final boolean[][] up = new boolean[3][3];
    private final double[][] loss = new double[3][3];
    private final RandomGenerator random;
    double duplicate;
    long minDelayMs = 1;
    long maxDelayMs = 20;

    SimNetwork(RandomGenerator random) {
        this.random = random;
        heal();
    }

    void heal() {
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                up[a][b] = true;
                loss[a][b] = 0;
            }
        }
        duplicate = 0;
    }

    void cut(int from, int to) {
        up[from][to] = false;
    }

    void cutBoth(int a, int b) {
        up[a][b] = false;
        up[b][a] = false;
    }

    void restore(int a, int b) {
        up[a][b] = true;
        up[b][a] = true;
    }

    void loss(int from, int to, double p) {
        loss[from][to] = p;
    }

    boolean isUp(int from, int to) {
        return up[from][to];
    }

    /** Clean both ways: up and lossless. */
    boolean clean(int a, int b) {
        return up[a][b] && up[b][a] && loss[a][b] == 0 && loss[b][a] == 0;
    }

    /** Copies (0, 1 or 2) of a message sent now from {@code from} to {@code to}. */
    int copies(int from, int to) {
        if (!up[from][to] || random.nextDouble() < loss[from][to]) {
            return 0;
        }
        return random.nextDouble() < duplicate ? 2 : 1;
    }

    long delay() {
        return minDelayMs + (maxDelayMs > minDelayMs ? random.nextLong(maxDelayMs - minDelayMs + 1) : 0);
    }
}
