package io.vigil.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Directory replication (SPEC §3): the listed directories are copied from the node running the
 * services to the SECOND, which pulls every {@code intervalMs} over an authenticated, encrypted
 * TCP channel. Null in {@link VigilConfig} when the file has no {@code replication:} section.
 *
 * @param port        where this node serves its directories (default 5601 + (node.id-1)*4, SPEC §11)
 * @param bindAddress address to listen on (default: the first heartbeat network's local address)
 * @param peerAddress where the peer serves (default: the first heartbeat network's peer address)
 * @param peerPort    the peer's port (default 5601 + (peer id-1)*4)
 * @param intervalMs  pause between two pulls on the SECOND (default 2000)
 * @param directories at least one; the same names on both nodes
 */
public record ReplicationSection(int port, String bindAddress, String peerAddress, int peerPort, long intervalMs,
                                 List<Directory> directories) {

    /** First port of a node's replication block; directory replication uses the second (SPEC §11). */
    public static final int BASE_PORT = 5600;

    public ReplicationSection {
        directories = List.copyOf(directories);
    }

    /** The default directory replication port of node {@code id}. */
    public static int defaultPort(int id) {
        return BASE_PORT + 1 + (id - 1) * 4;
    }

    /**
     * One replicated directory.
     *
     * @param name what both nodes call it (defaults to the path, so identical layouts need no names)
     * @param path absolute path on this node; on the SECOND its content is replaced by the PRIM's
     */
    public record Directory(String name, Path path) {
    }
}
