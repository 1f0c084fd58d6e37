/**
 * Heartbeats between the two nodes (SPEC §2, §7): the signed, versioned wire format
 * ({@link io.vigil.heartbeat.HeartbeatCodec}), replay protection
 * ({@link io.vigil.heartbeat.ReplayGuard}) and the real UDP transport over one or more networks
 * ({@link io.vigil.heartbeat.UdpHeartbeatTransport}, one socket per network in
 * {@link io.vigil.heartbeat.HeartbeatChannel}). The simulator runs the same transport without
 * sockets ({@code UdpHeartbeatTransport.over}) over its simulated network. The message itself,
 * {@link io.vigil.core.Heartbeat}, belongs to the core.
 *
 * <p>Wire format, big-endian, always
 * {@value io.vigil.heartbeat.HeartbeatCodec#PACKET_BYTES} bytes:
 * <pre>
 * offset size field
 *      0    4 magic "VGHB"
 *      4    1 Vigil protocol version (io.vigil.protocol.ProtocolVersion, 5 on; accepted one apart;
 *             before 5 the heartbeat's own: 2 this layout, 1 keyed with the cluster key itself)
 *      5    8 cluster id: first 8 bytes of SHA-256(UTF-8 cluster id)
 *     13    1 from (node id)
 *     14    8 incarnation
 *     22    8 seq
 *     30    8 ackSeq
 *     38    8 ackIncarnation
 *     46    1 state (NodeState ordinal)
 *     47    1 flags: 1 servicesActive, 2 swapRequest, 4 swapWithoutSync, 8 failoverEnabled
 *     48    8 servicesUpMs
 *     56    8 epoch
 *     64    8 dataEpoch
 *     72    1 sync (SyncStatus ordinal)
 *     73    8 grantEpoch
 *     81    4 recentFailovers
 *     85    8 lastFailoverEpoch
 *     93   32 HMAC-SHA256 of bytes 0..92, keyed with the heartbeat key (ClusterKeys#heartbeat)
 * </pre>
 * Receive order: length, magic, version, cluster, HMAC (constant-time), then fields, then
 * replay and sender checks. Appending an enum constant changes the ordinals' meaning for an
 * older peer, so it needs a new protocol version whose node still reads the previous layout.
 */
package io.vigil.heartbeat;
