package io.vigil.setup;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Changing the console password (SPEC §6 maintenance): the same rules as setup, and only the slow
 * hash is written, replacing the file {@code console.passwordFile} names all at once. The console
 * reads it when the node starts.
 */
public final class PasswordStep {
    private PasswordStep() {
    }

    /** Returns the file written. {@code hash} is the slow hash of a password that passed {@link ConsolePassword}. */
    public static Path change(Path configFile, String hash) throws SetupException {
        VigilConfig c;
        try {
            c = VigilConfig.load(configFile.toAbsolutePath());
        } catch (ConfigException e) {
            throw new SetupException(e.getMessage());
        }
        if (c.console() == null || c.console().passwordFile() == null) {
            throw new SetupException(configFile + " gives this node no console password file (console.passwordFile):"
                    + " a node set up with `vigil setup` has one; edit the file by hand otherwise");
        }
        Path file = c.console().passwordFile();
        SetupFiles files = new SetupFiles();
        try {
            files.file(file, hash + "\n");
        } catch (IOException e) {
            files.abort();
            throw new SetupException("cannot write " + file + " (" + e.getMessage() + "): the password is unchanged", e);
        }
        files.commit(() -> { });
        return file;
    }
}
