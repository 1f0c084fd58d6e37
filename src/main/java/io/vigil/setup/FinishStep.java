package io.vigil.setup;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;
import io.vigil.pki.ClusterTls;
import io.vigil.pki.PkiException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code vigil setup finish} on node 2 (SPEC §6 step 3): checks that pairing left a configuration
 * that loads and certificates of the cluster CA; the CLI then applies the license and starts the
 * node. Changes nothing itself, so it can be run again.
 */
public final class FinishStep {
    private FinishStep() {
    }

    public static VigilConfig check(Path configFile) throws SetupException {
        if (!Files.exists(configFile)) {
            throw new SetupException("this node is not paired: " + configFile + " does not exist. Run `vigil setup"
                    + " secondary` here, then `vigil setup primary` on node 1, then this again");
        }
        VigilConfig c;
        try {
            c = VigilConfig.load(configFile.toAbsolutePath());
        } catch (ConfigException e) {
            throw new SetupException(e.getMessage() + " (run `vigil setup secondary` here and `vigil setup primary` on"
                    + " node 1 again to rewrite it)");
        }
        if (c.node().id() != 2) {
            throw new SetupException(configFile + " is node " + c.node().id() + "'s configuration: `vigil setup"
                    + " finish` completes node 2 (node 1 is complete after `vigil setup primary`)");
        }
        try {
            ClusterTls.load(c.node().dataDir());
        } catch (IOException | PkiException e) {
            throw new SetupException(e.getMessage());
        }
        return c;
    }
}
