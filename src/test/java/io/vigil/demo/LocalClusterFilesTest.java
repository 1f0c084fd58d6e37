package io.vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10 item 7: the demo's generated configurations hold the cluster key; only their owner may read them. */
class LocalClusterFilesTest {

    @TempDir
    Path dir;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void generatedConfigurationsWitnessConfigPasswordsAndFolderAreOwnerOnly() throws Exception {
        Path run = dir.resolve("demo-run");
        LocalCluster c = LocalCluster.create(LocalCluster.Settings.defaults(run).withWitness(48700));
        c.enableConsole(48710, 48711, run.resolve("console-password"));
        LocalCluster.writeConsolePassword(run.resolve("console-password"));
        assertThat(mode(run)).as("passable for PostgreSQL's user, not listable").isEqualTo("rwx--x--x");
        for (Path p : new Path[] {c.config(1), c.config(2), c.witnessConfig(), run.resolve("console-password")}) {
            assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
        }
        String key = java.util.HexFormat.of().formatHex(c.key());
        String witnessKey = java.util.HexFormat.of().formatHex(c.keys().witness("demo"));
        // Issue 10 item 5: the witness host gets its own key, never the cluster key.
        assertThat(Files.readString(c.witnessConfig())).as("the witness config holds the witness key")
                .contains(witnessKey).doesNotContain(key);
        // What the node itself checks at start-up: these files pass it.
        io.vigil.config.VigilConfig.load(c.config(1)).checkKeyIsPrivate();
        io.vigil.witness.WitnessConfig.load(c.witnessConfig());
    }
}
