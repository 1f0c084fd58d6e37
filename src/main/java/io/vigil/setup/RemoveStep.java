package io.vigil.setup;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vigil setup remove} (SPEC §6 maintenance, both nodes): returns the node to standalone by
 * removing its cluster configuration and cluster key. The license, the database, the console's
 * and the cluster's certificates and the console password stay, so setting the cluster up again
 * or running the services alone loses nothing. Refused while the node's daemon runs.
 */
public final class RemoveStep {
    private RemoveStep() {
    }

    /** Returns the files removed (none when the node is standalone already). */
    public static List<Path> run(Path configFile) throws SetupException {
        if (!Files.exists(configFile)) {
            return List.of();
        }
        VigilConfig c;
        try {
            c = VigilConfig.load(configFile.toAbsolutePath());
        } catch (ConfigException e) {
            throw new SetupException(e.getMessage() + ": fix or delete " + configFile + " by hand");
        }
        if (answers(c.admin().bindAddress(), c.admin().port())) {
            throw new SetupException("node " + c.node().id() + "'s daemon is running (its admin channel answers at "
                    + c.admin().bindAddress() + ":" + c.admin().port() + "): stop it first (SIGTERM or Ctrl-C of"
                    + " `vigil node`, or your service manager), then run this again");
        }
        List<Path> removed = new ArrayList<>();
        try {
            if (c.cluster().keyFile() != null && Files.deleteIfExists(c.cluster().keyFile())) {
                removed.add(c.cluster().keyFile());
            }
            Files.delete(configFile);
            removed.add(configFile);
        } catch (IOException e) {
            throw new SetupException("cannot remove " + e.getMessage() + ": check the folder's permissions", e);
        }
        return removed;
    }

    private static boolean answers(String address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
