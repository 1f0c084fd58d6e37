package io.vigil.console;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The metrics scrape token ({@code console.metricsTokenFile}, issue 10 item 8): a scraper sends it
 * as {@code Authorization: Bearer TOKEN} and reads {@code GET /api/metrics}, nothing else, so the
 * monitoring system no longer needs the admin password. It is compared without a rate limit, so
 * it must be too long to guess: at least {@value #MIN_LENGTH} printable characters.
 */
final class MetricsToken {

    static final int MIN_LENGTH = 32;
    private static final String KEY = "console.metricsTokenFile";
    private static final String MAKE = "Write a random token in it, e.g. `openssl rand -hex 32 > FILE; chmod 600 FILE`";

    private MetricsToken() {
    }

    static String read(VigilConfig config) throws ConfigException {
        Path file = config.console().metricsTokenFile();
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(config.sourceFile(), KEY, "cannot read the metrics token file " + file + " ("
                    + e.getClass().getSimpleName() + ")", "Check that it exists and that the vigil user can read it");
        }
        if (token.length() < MIN_LENGTH) {
            throw new ConfigException(config.sourceFile(), KEY, "the metrics token in " + file + " has "
                    + token.length() + " characters; at least " + MIN_LENGTH + " are needed", MAKE);
        }
        if (!token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new ConfigException(config.sourceFile(), KEY, "the metrics token in " + file
                    + " holds spaces or non-ASCII characters, which an HTTP header cannot carry", MAKE);
        }
        return token;
    }
}
