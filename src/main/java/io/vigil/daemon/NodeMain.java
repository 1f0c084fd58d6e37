package io.vigil.daemon;

import java.nio.file.Path;

/** Entry point of `vigil node`; the daemon replaces this placeholder. */
public final class NodeMain {

    private NodeMain() {
    }

    public static int run(Path config) throws Exception {
        throw new IllegalStateException("not wired yet");
    }
}
