package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Issue 15: the configuration's format version; an older file is brought forward, a newer one refused. */
class ConfigFormatTest extends ConfigFixture {

    @Test
    void aFormatOneFileIsRewrittenWithItsCommentsAndTheOriginalIsKept() throws Exception {
        String old = "# site A, node 1: edited by hand\n" + MINIMAL;
        Path file = write(old);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        Path backup = ConfigFormat.migrate(file).orElseThrow();

        assertThat(backup).isEqualTo(file.resolveSibling(file.getFileName() + ".format1.bak")).hasContent(old);
        assertThat(Files.readString(file)).startsWith("format: 2").endsWith(old);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
        assertThat(VigilConfig.load(file).toYaml()).isEqualTo(VigilConfig.load(backup).toYaml());
        assertThat(ConfigFormat.migrate(file)).as("already current: nothing to do").isEmpty();
    }

    @Test
    void aFileOfANewerFormatIsRefusedWithWhatToDo() throws Exception {
        Path file = write("format: 3\n" + MINIMAL);
        assertThatThrownBy(() -> VigilConfig.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("format")
                .hasMessageContaining("is 3: the file was written by a newer Vigil, and this one reads formats up to 2")
                .hasMessageContaining("Downgrading is not supported");
        assertThat(ConfigFormat.migrate(file)).isEmpty();
        assertThat(Files.readString(file)).startsWith("format: 3");
    }

    @Test
    void whatTheNodeWritesStatesTheCurrentFormat() throws Exception {
        assertThat(load(MINIMAL).toYaml()).startsWith("format: 2\n");
    }
}
