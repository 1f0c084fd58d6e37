package io.vigil.daemon;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The node's saved state cannot be trusted. The daemon must stop rather than start with fresh
 * epochs: that could let this node's stale data win over the peer's (SPEC §3).
 */
public final class CorruptStateException extends IOException {

    private final transient Path file;

    public CorruptStateException(Path file, String why) {
        super("The node state file " + file + " is damaged: " + why + ". Vigil will not guess the epochs, "
                + "because a wrong guess could let old data replace newer data. Restore the file from a "
                + "dump or backup; or, if this node's data should be discarded, stop the node, move the "
                + "file away, and start the node so it resynchronises from its peer as SECOND.");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
