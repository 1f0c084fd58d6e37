package io.vigil.heartbeat;

import io.vigil.core.Heartbeat;
import io.vigil.core.NodeState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import io.vigil.protocol.ProtocolVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * The heartbeat wire format (layout in {@code package-info.java}). Its version byte is the Vigil
 * protocol version ({@link ProtocolVersion}: a node accepts heartbeats one version apart, so the
 * nodes keep hearing each other during a rolling upgrade); before protocol 5 it was the heartbeat's
 * own layout version (2: the same layout; 1: signed with the cluster key itself). Decoding checks
 * the cheap framing first, then the HMAC, and only then parses fields, so unauthenticated bytes
 * never reach the parser (SPEC §2, §7: heartbeats are authenticated). Thread-safe: a fresh
 * {@link Mac} is made per call because {@code Mac} itself is not.
 */
public final class HeartbeatCodec {
    public static final int MIN_KEY_BYTES = 16;

    static final byte[] MAGIC = {'V', 'G', 'H', 'B'};
    static final int CLUSTER_HASH_BYTES = 8;
    static final int HEADER_BYTES = MAGIC.length + 1 + CLUSTER_HASH_BYTES;
    static final int BODY_BYTES = 1 + 4 * 8 + 1 + 1 + 3 * 8 + 1 + 8 + 4 + 8;
    static final int MAC_BYTES = 32;
    /** Every heartbeat of this version has exactly this length. */
    public static final int PACKET_BYTES = HEADER_BYTES + BODY_BYTES + MAC_BYTES;

    private static final String MAC_ALGORITHM = "HmacSHA256";
    /** Bits 4-5 hold the services phase ordinal. */
    private static final int SERVICES_SHIFT = 4;
    private static final int FLAG_SWAP_REQUEST = 2;
    private static final int FLAG_SWAP_WITHOUT_SYNC = 4;
    private static final int FLAG_FAILOVER_ENABLED = 8;
    private static final int KNOWN_FLAGS = 0x3E;
    private static final ServicesPhase[] PHASES = ServicesPhase.values();
    private static final NodeState[] STATES = NodeState.values();
    private static final SyncStatus[] SYNCS = SyncStatus.values();

    private final byte[] clusterHash;
    private final byte[] key;
    private final int protocol;

    /** A codec of this process's protocol version ({@link ProtocolVersion#current()}). */
    public HeartbeatCodec(String clusterId, byte[] key) {
        this(clusterId, key, ProtocolVersion.current());
    }

    /**
     * @param clusterId the cluster's name/id; its hash goes on the wire so two clusters on one
     *                  network tell each other's packets apart even before checking the MAC
     * @param key       the heartbeat key ({@code ClusterKeys#heartbeat}), at least {@value #MIN_KEY_BYTES} bytes
     * @param protocol  the protocol version this codec writes and judges others' by
     */
    public HeartbeatCodec(String clusterId, byte[] key, int protocol) {
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("heartbeat cluster id is empty: set the cluster id "
                    + "in the configuration (setup writes it on both nodes)");
        }
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("heartbeat key is " + (key == null ? 0 : key.length)
                    + " bytes; at least " + MIN_KEY_BYTES + " are required. Use the cluster key "
                    + "generated at setup (re-run pairing if it is missing or damaged)");
        }
        this.clusterHash = clusterHash(clusterId);
        this.key = key.clone();
        this.protocol = protocol;
        newMac(); // fail at construction, not on the first packet, if HMAC-SHA256 is missing
    }

    /** The protocol version this codec writes. */
    public int protocol() {
        return protocol;
    }

    /** Encodes and signs; a heartbeat that cannot be represented is a programming error. */
    public byte[] encode(Heartbeat hb) {
        Objects.requireNonNull(hb, "heartbeat");
        Objects.requireNonNull(hb.state(), "heartbeat state");
        Objects.requireNonNull(hb.sync(), "heartbeat sync");
        if (hb.from() < 1 || hb.from() > 2) {
            throw new IllegalArgumentException("cannot encode a heartbeat from node " + hb.from()
                    + ": node ids are 1 or 2");
        }
        ByteBuffer b = ByteBuffer.allocate(PACKET_BYTES);
        b.put(MAGIC).put((byte) protocol).put(clusterHash);
        b.put((byte) hb.from())
                .putLong(hb.incarnation()).putLong(hb.seq())
                .putLong(hb.ackSeq()).putLong(hb.ackIncarnation())
                .put((byte) hb.state().ordinal())
                .put((byte) flags(hb))
                .putLong(hb.servicesUpMs()).putLong(hb.epoch()).putLong(hb.dataEpoch())
                .put((byte) hb.sync().ordinal())
                .putLong(hb.grantEpoch())
                .putInt(hb.recentFailovers())
                .putLong(hb.lastFailoverEpoch());
        Mac mac = newMac();
        mac.update(b.array(), 0, HEADER_BYTES + BODY_BYTES);
        b.put(mac.doFinal());
        return b.array();
    }

    /**
     * Decodes the first {@code len} bytes of {@code buf}. Never throws an unchecked exception:
     * whatever arrives on the port becomes either a heartbeat or a {@link HeartbeatRejected}.
     * Replay protection is not done here; see {@link ReplayGuard}.
     */
    public Heartbeat decode(byte[] buf, int len) throws HeartbeatRejected {
        if (buf == null || len < 0 || len > buf.length) {
            throw new HeartbeatRejected(Reason.MALFORMED, "length " + len + " outside buffer of "
                    + (buf == null ? "null" : buf.length + " bytes"));
        }
        checkFraming(buf, len);
        checkMac(buf, len);
        return parseBody(ByteBuffer.wrap(buf, HEADER_BYTES, BODY_BYTES));
    }

    private void checkFraming(byte[] buf, int len) throws HeartbeatRejected {
        if (len < MAGIC.length + 1) {
            throw new HeartbeatRejected(Reason.TOO_SHORT, len + " bytes, a heartbeat is "
                    + PACKET_BYTES);
        }
        if (!Arrays.equals(buf, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new HeartbeatRejected(Reason.BAD_MAGIC, "starts with 0x"
                    + HexFormat.of().formatHex(buf, 0, MAGIC.length) + ", not \"VGHB\": not a Vigil "
                    + "heartbeat; another program is sending to the heartbeat port");
        }
        int version = buf[MAGIC.length] & 0xff;
        if (!ProtocolVersion.accepts(protocol, version)) {
            throw new HeartbeatRejected(Reason.BAD_VERSION, ProtocolVersion.refusal(protocol, "the peer", version));
        }
        if (len < PACKET_BYTES) {
            throw new HeartbeatRejected(Reason.TOO_SHORT, "truncated: " + len + " of "
                    + PACKET_BYTES + " bytes");
        }
        if (len > PACKET_BYTES) {
            throw new HeartbeatRejected(Reason.MALFORMED, len + " bytes, a protocol-" + version
                    + " heartbeat is exactly " + PACKET_BYTES);
        }
        int at = MAGIC.length + 1;
        if (!Arrays.equals(buf, at, at + CLUSTER_HASH_BYTES, clusterHash, 0, CLUSTER_HASH_BYTES)) {
            throw new HeartbeatRejected(Reason.WRONG_CLUSTER, "cluster id hash "
                    + HexFormat.of().formatHex(buf, at, at + CLUSTER_HASH_BYTES) + ", ours is "
                    + HexFormat.of().formatHex(clusterHash) + ": a node of another Vigil cluster "
                    + "sends to this port; give each cluster its own heartbeat network or port");
        }
    }

    private void checkMac(byte[] buf, int len) throws HeartbeatRejected {
        Mac mac = newMac();
        mac.update(buf, 0, len - MAC_BYTES);
        byte[] expected = mac.doFinal();
        byte[] actual = Arrays.copyOfRange(buf, len - MAC_BYTES, len);
        // Constant-time, so response timing does not leak how many MAC bytes a forgery got right.
        if (!io.vigil.security.Hmac.same(expected, actual)) {
            throw new HeartbeatRejected(Reason.BAD_MAC, "HMAC does not match: the sender uses "
                    + "another cluster key, or the packet was altered; re-run pairing if the "
                    + "nodes' keys differ");
        }
    }

    private static Heartbeat parseBody(ByteBuffer b) throws HeartbeatRejected {
        int from = b.get() & 0xff;
        long incarnation = b.getLong();
        long seq = b.getLong();
        long ackSeq = b.getLong();
        long ackIncarnation = b.getLong();
        int state = b.get() & 0xff;
        int flags = b.get() & 0xff;
        long servicesUpMs = b.getLong();
        long epoch = b.getLong();
        long dataEpoch = b.getLong();
        int sync = b.get() & 0xff;
        long grantEpoch = b.getLong();
        int recentFailovers = b.getInt();
        long lastFailoverEpoch = b.getLong();
        if (state >= STATES.length) {
            throw new HeartbeatRejected(Reason.MALFORMED, "state ordinal " + state + " unknown");
        }
        if (sync >= SYNCS.length) {
            throw new HeartbeatRejected(Reason.MALFORMED, "sync ordinal " + sync + " unknown");
        }
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new HeartbeatRejected(Reason.MALFORMED, "unknown flag bits 0x"
                    + Integer.toHexString(flags & ~KNOWN_FLAGS));
        }
        return new Heartbeat(from, incarnation, seq, ackSeq, ackIncarnation, STATES[state],
                PHASES[(flags >> SERVICES_SHIFT) & 3], servicesUpMs, epoch, dataEpoch, SYNCS[sync],
                grantEpoch, (flags & FLAG_SWAP_REQUEST) != 0, (flags & FLAG_SWAP_WITHOUT_SYNC) != 0,
                (flags & FLAG_FAILOVER_ENABLED) != 0, recentFailovers, lastFailoverEpoch);
    }

    private static int flags(Heartbeat hb) {
        return (hb.services().ordinal() << SERVICES_SHIFT)
                | (hb.swapRequest() ? FLAG_SWAP_REQUEST : 0)
                | (hb.swapWithoutSync() ? FLAG_SWAP_WITHOUT_SYNC : 0)
                | (hb.failoverEnabled() ? FLAG_FAILOVER_ENABLED : 0);
    }

    private static byte[] clusterHash(String clusterId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(clusterId.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, CLUSTER_HASH_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable in this JDK", e);
        }
    }

    private Mac newMac() {
        return io.vigil.security.Hmac.keyed(key);
    }
}
