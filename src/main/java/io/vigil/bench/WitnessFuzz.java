package io.vigil.bench;

import io.vigil.witness.LeaseCodec;
import io.vigil.witness.LeaseMessage;
import io.vigil.witness.LeaseTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Witness lease datagrams through the witness's path: {@link LeaseCodec#decode} (documented
 * rejection: {@link IllegalArgumentException}), then {@link LeaseTable#handle}.
 *
 * <p>As for heartbeats, a <em>victim</em> table gets only input that is not a fresh authentic
 * request (random and mutated bytes, wrongly keyed messages, replays of node 1's captured
 * requests of its current and of an earlier incarnation), and after every case a genuine request
 * of node 2 probes it: node 1 must still hold the lease, the highest epoch must be unchanged and
 * nothing may have been written to the epoch store. A replay that is answered other than
 * "replayed" is a state change too. The <em>scratch</em> table gets authentic requests with
 * edited fields.
 */
final class WitnessFuzz implements FuzzTarget {

    private static final byte VICTIM = 0;
    private static final byte SCRATCH = 1;
    /** The victim lane with a recorded request of node 1's earlier incarnation (issue 10 item 2). */
    private static final byte OLD_REPLAY = 2;
    private static final byte[] MAGIC = LeaseCodec.magic(io.vigil.protocol.ProtocolVersion.current());
    private static final long MAX_LEASE_MS = 3000;
    private static final long OLD_INCARNATION = 100;
    private static final long CURRENT_INCARNATION = 200;
    private static final long EPOCH = 7;
    private static final List<String> FIELDS = List.of("cluster", "node", "incarnation", "seq", "op", "epoch",
            "durationMs", "granted", "highestEpoch", "holder", "reason");

    private final byte[] key = FuzzKeys.key("witness");
    private final byte[] otherKey = FuzzKeys.key("another cluster");
    private final Map<String, byte[]> keys = Map.of(HeartbeatFuzz.CLUSTER, key);
    private final List<byte[]> captured = new ArrayList<>();
    private final List<byte[]> oldCaptured = new ArrayList<>();
    /** Each table has its own clock: time passing in the scratch lane must not expire the victim's lease. */
    private final long[] now = {0};
    private final long[] scratchNow = {0};
    private int saves;
    private LeaseTable victim;
    private long probeSeq;
    private final LeaseTable scratch;

    WitnessFuzz() throws IOException {
        long seq = 1;
        for (String op : List.of("acquire", "renew", "release", "acquire", "release")) {
            oldCaptured.add(LeaseCodec.encode(request(1, OLD_INCARNATION, seq++, op, EPOCH - 1), key));
        }
        for (String op : List.of("acquire", "renew", "renew")) {
            captured.add(LeaseCodec.encode(request(1, CURRENT_INCARNATION, captured.size() + 1, op, EPOCH), key));
        }
        resetVictim();
        scratch = newTable(scratchNow);
    }

    @Override
    public String name() {
        return "witness";
    }

    @Override
    public byte[] generate(SplittableRandom r) {
        int kind = r.nextInt(8);
        byte lane = kind == 5 ? OLD_REPLAY : kind < 6 ? VICTIM : SCRATCH;
        byte[] datagram = switch (kind) {
            case 0 -> Mutator.randomBytes(r, r.nextInt(1100));
            case 1 -> Mutator.mutate(any(captured, r), r);
            case 2 -> signed(editedBody(r), otherKey);
            case 3 -> Mutator.concat(MAGIC, bytes(r.nextBoolean() ? JsonEdits.notObject(r) : editedBody(r)),
                    Mutator.randomBytes(r, 32));
            case 4 -> any(captured, r);
            case 5 -> any(oldCaptured, r);
            case 6 -> signed(editedBody(r), key);
            default -> resign(Mutator.mutate(any(captured, r), r));
        };
        return Mutator.concat(new byte[] {lane}, datagram);
    }

    @Override
    public Verdict feed(byte[] input) throws IOException {
        byte[] datagram = Arrays.copyOfRange(input, 1, input.length);
        if (input[0] == SCRATCH) {
            scratchNow[0] += 100;
            LeaseMessage m = decode(datagram);
            if (m == null) {
                return Verdict.REJECTED;
            }
            scratch.handle(m);
            return Verdict.ACCEPTED;
        }
        int savesBefore = saves;
        LeaseMessage m = decode(datagram);
        String problem = null;
        if (m != null) {
            LeaseMessage answer = victim.handle(m);
            if (answer.granted() || "released".equals(answer.reason())) {
                problem = "a message that is not a fresh request was acted on: " + m + " -> " + answer;
            }
        }
        if (problem == null) {
            problem = probe(savesBefore);
        }
        if (problem != null) {
            resetVictim();
            return Verdict.stateChange(input[0] == OLD_REPLAY ? "replay of an earlier incarnation"
                    : "not fresh or not authentic", problem);
        }
        return Verdict.REJECTED;
    }

    /** The witness's documented rejection is {@link IllegalArgumentException}; null then. */
    private LeaseMessage decode(byte[] datagram) {
        try {
            return LeaseCodec.decode(datagram, datagram.length, keys::get);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Null when the victim table still shows node 1 holding the lease at the setup's epoch. */
    private String probe(int savesBefore) throws IOException {
        LeaseMessage a = victim.handle(request(2, 300, ++probeSeq, "acquire", EPOCH + 1));
        if (a.granted() || a.holder() != 1 || a.highestEpoch() != EPOCH || saves != savesBefore) {
            return "the witness's lease changed: node 2's probe got " + a + " (expected refused, holder 1, highest "
                    + "epoch " + EPOCH + "), epoch store writes " + (saves - savesBefore);
        }
        return null;
    }

    /** A fresh table where node 1's current incarnation has acquired and renewed the lease. */
    private void resetVictim() throws IOException {
        now[0] = 0;
        victim = newTable(now);
        now[0] = 10_000; // past the quiet period after a (re)start
        for (byte[] p : captured) {
            LeaseMessage a = victim.handle(LeaseCodec.decode(p, p.length, keys::get));
            if (!a.granted()) {
                throw new IllegalStateException("fuzz setup: the genuine request was refused: " + a);
            }
        }
        // node 2's first request saves its incarnation; the probes after each case must save nothing
        if (victim.handle(request(2, 300, ++probeSeq, "acquire", EPOCH + 1)).granted()) {
            throw new IllegalStateException("fuzz setup: node 2 was granted the lease node 1 holds");
        }
        saves = 0;
    }

    private LeaseTable newTable(long[] clock) {
        return new LeaseTable(() -> clock[0], MAX_LEASE_MS, new LeaseTable.EpochStore() {
            @Override
            public long load(String cluster) {
                return 0;
            }

            @Override
            public void save(String cluster, long epoch) {
                saves++;
            }

            @Override
            public long loadIncarnation(String cluster, int node) {
                return 0;
            }

            @Override
            public void saveIncarnation(String cluster, int node, long incarnation) {
                saves++;
            }
        });
    }

    private String editedBody(SplittableRandom r) {
        return JsonEdits.object(r, FIELDS, f -> switch (f) {
            case "cluster" -> r.nextInt(4) == 0 ? JsonEdits.word(r, "other") : JsonEdits.quote(HeartbeatFuzz.CLUSTER);
            case "op" -> JsonEdits.word(r, "acquire", "renew", "release", "answer");
            case "granted" -> r.nextBoolean() ? "true" : "false";
            case "reason", "?" -> JsonEdits.quote(Mutator.edgeString(r));
            case "node", "holder" -> Integer.toString(r.nextInt(4) == 0 ? Mutator.edgeInt(r) : 1 + r.nextInt(2));
            default -> JsonEdits.number(r);
        });
    }

    private static byte[] signed(String body, byte[] key) {
        byte[] unsigned = Mutator.concat(MAGIC, bytes(body));
        return Mutator.concat(unsigned, FuzzKeys.hmac(key, unsigned));
    }

    /** Keeps the (mutated) body and gives it a correct MAC, so the fields past the MAC are fuzzed. */
    private byte[] resign(byte[] datagram) {
        if (datagram.length < 32) {
            return datagram;
        }
        byte[] unsigned = Arrays.copyOf(datagram, datagram.length - 32);
        return Mutator.concat(unsigned, FuzzKeys.hmac(key, unsigned));
    }

    private static LeaseMessage request(int node, long incarnation, long seq, String op, long epoch) {
        return LeaseMessage.request(HeartbeatFuzz.CLUSTER, node, incarnation, seq, op, epoch, MAX_LEASE_MS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] any(List<byte[]> packets, SplittableRandom r) {
        return packets.get(r.nextInt(packets.size())).clone();
    }
}
