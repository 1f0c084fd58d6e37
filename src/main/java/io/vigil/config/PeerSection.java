package io.vigil.config;

/**
 * The other node, as far as this node needs to reach it outside heartbeats.
 *
 * @param hostName     display name (defaults to {@code node<peerId>})
 * @param adminAddress where the peer's admin channel listens, for {@code --cluster} commands
 *                     (defaults to the peer address of the first heartbeat network)
 * @param adminPort    the peer's admin port (defaults to 6259, SPEC §11)
 */
public record PeerSection(String hostName, String adminAddress, int adminPort) {
}
