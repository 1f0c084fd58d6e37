package io.vigil.sim;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * What the nemesis does to heartbeat datagrams as bytes, beyond loss and duplication
 * ({@link SimNetwork}): flips bits, cuts them short, and plays recorded ones back later. The real
 * codec and replay guard must reject every damaged or replayed datagram; nothing else does.
 */
final class DatagramFaults {
    /** Datagrams remembered per sender for replays: enough to reach back several seconds. */
    private static final int RECORDED = 64;

    private final RandomGenerator random;
    private final byte[][][] recorded = new byte[3][RECORDED][];
    private final long[] sent = new long[3];
    double corrupt;
    double truncate;
    double replay;
    /**
     * Whether random replays spare a node that has not heard its peer since it started. A fresh
     * node believes the first authentic heartbeat, even an old recording (the replay guard's
     * limit, docs/security.md). With a witness that is harmless since the witness answers with the
     * highest epoch registered before a request (a stale node then refuses to take over), so the
     * suites with a witness replay to fresh nodes too; without a witness nothing tells a restarted
     * stale node that its peer ran a newer epoch, so those suites spare it (a documented limit of
     * running without a witness, like a network split).
     */
    boolean spareFreshlyStarted = true;

    DatagramFaults(RandomGenerator random) {
        this.random = random;
    }

    void heal() {
        corrupt = 0;
        truncate = 0;
        replay = 0;
        replayFrom = 0;
    }

    /** Some datagrams arrive unusable: to the receiver, as if lost. (Replays alone lose nothing.) */
    boolean damaging() {
        return corrupt > 0 || truncate > 0;
    }

    /** Keeps {@code packet} (never modified afterwards) as a candidate for a later replay. */
    void record(int from, byte[] packet) {
        recorded[from][(int) (sent[from]++ % RECORDED)] = packet;
    }

    /** The last datagram {@code from} sent (a recording for a scripted replay), or null. */
    byte[] latest(int from) {
        return sent[from] == 0 ? null : recorded[from][(int) ((sent[from] - 1) % RECORDED)];
    }

    /** The packet as it arrives: the same array when undamaged, else a damaged copy. */
    byte[] damage(byte[] packet) {
        if (corrupt > 0 && random.nextDouble() < corrupt) {
            byte[] copy = packet.clone();
            int flips = 1 + random.nextInt(3);
            for (int i = 0; i < flips; i++) {
                copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
            }
            return copy;
        }
        if (truncate > 0 && random.nextDouble() < truncate) {
            return Arrays.copyOf(packet, random.nextInt(packet.length));
        }
        return packet;
    }

    /** Replays only recordings of this node (1 or 2), or of either (0): a targeted attack. */
    int replayFrom;

    /** Whose recording to play back now (1 or 2), or 0 for none. */
    int replaySender() {
        if (replay <= 0 || random.nextDouble() >= replay) {
            return 0;
        }
        return replayFrom != 0 ? replayFrom : 1 + random.nextInt(2);
    }

    /** An earlier datagram of {@code from} (not its latest), or null if it sent fewer than two. */
    byte[] replay(int from) {
        if (sent[from] < 2) {
            return null;
        }
        long available = Math.min(sent[from] - 1, RECORDED - 1); // not the one just sent
        long back = 1 + random.nextLong(available);
        return recorded[from][(int) ((sent[from] - 1 - back) % RECORDED)];
    }
}
