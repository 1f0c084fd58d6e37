package io.vigil.heartbeat;

import java.util.List;

/**
 * Where heartbeats go (SPEC §2): node {@code id} listens on UDP port {@code basePort + (id-1)}
 * on every network, so both nodes can share one host in tests and the ports never collide.
 *
 * @param ownId    this node's id, 1 or 2
 * @param basePort node 1's heartbeat port (8888 by default); node 2 uses the next one
 * @param networks one entry per heartbeat network, in the same order on both nodes
 */
public record HeartbeatNetworks(int ownId, int basePort, List<Network> networks) {
    public static final int DEFAULT_BASE_PORT = 8888;

    /**
     * One heartbeat network.
     *
     * @param localAddress this node's IPv4 address on the network; the socket binds to it so
     *                     heartbeats really leave and arrive through that network's interface
     * @param peerAddress  the peer's IPv4 address (or host name) on the same network
     */
    public record Network(String localAddress, String peerAddress) {
        public Network {
            if (localAddress == null || localAddress.isBlank()) {
                throw new IllegalArgumentException("heartbeat network localAddress is empty: "
                        + "set it to this node's IPv4 address on that network");
            }
            if (peerAddress == null || peerAddress.isBlank()) {
                throw new IllegalArgumentException("heartbeat network peerAddress is empty: "
                        + "set it to the peer's IPv4 address on that network");
            }
        }
    }

    public HeartbeatNetworks {
        if (ownId != 1 && ownId != 2) {
            throw new IllegalArgumentException("heartbeat ownId=" + ownId + ": must be 1 or 2");
        }
        if (basePort < 1 || basePort > 65534) {
            throw new IllegalArgumentException("heartbeat basePort=" + basePort
                    + ": must be 1..65534 (node 2 uses basePort+1)");
        }
        if (networks == null || networks.isEmpty()) {
            throw new IllegalArgumentException("heartbeat networks is empty: configure at least "
                    + "one network (two are recommended, so one cut cable is not a lost peer)");
        }
        networks = List.copyOf(networks);
    }

    public int peerId() {
        return 3 - ownId;
    }

    public int ownPort() {
        return basePort + (ownId - 1);
    }

    public int peerPort() {
        return basePort + (peerId() - 1);
    }
}
