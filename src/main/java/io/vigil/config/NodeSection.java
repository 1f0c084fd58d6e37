package io.vigil.config;

import java.nio.file.Path;

/**
 * This node.
 *
 * @param id       1 or 2 (SPEC §1: the names node1/node2 never change, their states do)
 * @param dataDir  absolute; holds state.json and the replica
 * @param logDir   absolute; defaults to {@code <dataDir>/log}
 * @param hostName defaults to the local host name
 */
public record NodeSection(int id, Path dataDir, Path logDir, String hostName) {

    /** The other node's id. */
    public int peerId() {
        return 3 - id;
    }
}
