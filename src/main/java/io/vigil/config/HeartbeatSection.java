package io.vigil.config;

import java.util.List;

/**
 * Heartbeats (SPEC §2): every {@code intervalMs} on every network; the peer is lost after
 * {@code timeoutMs} of silence on all of them.
 *
 * @param intervalMs default 1000, at least 50
 * @param timeoutMs  default 3000, at least two intervals so one lost datagram never fails over
 * @param basePort   default 8888; node N listens on basePort+N-1 (SPEC §11)
 * @param networks   at least one
 */
public record HeartbeatSection(long intervalMs, long timeoutMs, int basePort, List<Network> networks) {

    public HeartbeatSection {
        networks = List.copyOf(networks);
    }

    /** The UDP port node {@code nodeId} receives heartbeats on. */
    public int port(int nodeId) {
        return basePort + nodeId - 1;
    }

    /**
     * One heartbeat network: the local IPv4 address to send from and the peer's.
     * IPv4 only (SPEC: no IPv6).
     */
    public record Network(String local, String peer) {
    }
}
