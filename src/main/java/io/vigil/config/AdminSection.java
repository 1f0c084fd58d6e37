package io.vigil.config;

import java.nio.file.Path;

/**
 * The node's admin channels (SPEC §11: admin 6259; issue 12).
 *
 * @param bindAddress IPv4 literal of the TCP channel, which only the peer node uses (over TLS):
 *                    default this node's address on the first heartbeat network, the address the
 *                    peer dials ({@code peer.adminAddress} on the other node)
 * @param port        default 6259
 * @param socket      the local CLI's Unix socket, or null for {@code <node.dataDir>/admin.sock}
 */
public record AdminSection(String bindAddress, int port, Path socket) {

    /** The file name of the default local socket in the node's data directory. */
    public static final String DEFAULT_SOCKET = "admin.sock";

    public AdminSection(String bindAddress, int port) {
        this(bindAddress, port, null);
    }

    /** The local socket's path for a node whose data directory is {@code dataDir}. */
    public Path socketPath(Path dataDir) {
        return socket != null ? socket : dataDir.resolve(DEFAULT_SOCKET);
    }
}
