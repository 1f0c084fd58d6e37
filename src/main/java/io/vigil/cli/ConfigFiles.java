package io.vigil.cli;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the node configuration for the CLI, turning every problem into a usage error (exit 2). */
final class ConfigFiles {

    /** Picocli default of --config: the environment first, then the packaged location. */
    static final String DEFAULT = "${env:VIGIL_CONFIG:-/etc/vigil/vigil.yaml}";
    static final String HELP = "Node configuration file (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml).";

    private ConfigFiles() {
    }

    static VigilConfig load(Path file) throws CliException {
        if (!Files.exists(file)) {
            throw new CliException(ExitCode.USAGE, "Configuration file " + file + " not found. Pass --config FILE "
                    + "or set VIGIL_CONFIG to the node's configuration file.");
        }
        try {
            return VigilConfig.load(file);
        } catch (ConfigException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
    }
}
