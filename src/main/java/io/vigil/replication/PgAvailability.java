package io.vigil.replication;

import java.nio.file.Files;

/** Whether the PostgreSQL tools Vigil drives are installed where the configuration says. */
public final class PgAvailability {
    private PgAvailability() {
    }

    /**
     * Fails (does not skip) when Debian's PostgreSQL 15 is missing: scripts/setup.sh installs it
     * and CI runs it, so a missing one is a broken machine, not a reason for a green run.
     */
    public static void require() {
        if (!Files.isExecutable(PgConfig.DEFAULT_BIN_DIR.resolve("pg_ctl"))) {
            throw new IllegalStateException("PostgreSQL 15 is not installed (" + PgConfig.DEFAULT_BIN_DIR.resolve("pg_ctl")
                    + " is missing): run scripts/setup.sh, which installs it (CI does)");
        }
    }
}
