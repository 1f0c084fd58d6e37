package io.vigil.daemon;

import io.vigil.config.VigilConfig;
import io.vigil.log.Redactor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The secrets the configuration names by file (webhook signing keys, SNMP communities): their
 * contents join the redactor, so a sink's error or a dump that quotes one prints {@code <redacted>}.
 */
final class FileSecrets {
    private FileSecrets() {
    }

    static void addTo(Redactor redactor, VigilConfig config) {
        List<Path> files = new ArrayList<>();
        config.notifications().webhooks().forEach(w -> files.add(w.secretFile()));
        config.notifications().snmp().forEach(s -> files.add(s.communityFile()));
        if (config.notifications().agent() != null) {
            files.add(config.notifications().agent().communityFile());
        }
        for (Path f : files) {
            try {
                String secret = Files.readString(f).strip();
                if (secret.length() >= 4) {
                    redactor.addSecret(secret);
                }
            } catch (IOException unreadable) {
                // The validator already refused unreadable files; one that vanished since has nothing to hide.
            }
        }
    }
}
