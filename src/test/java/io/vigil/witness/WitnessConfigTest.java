package io.vigil.witness;

import io.vigil.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WitnessConfigTest {
    private static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = dir.resolve("witness.yaml");
        Files.writeString(f, yaml);
        // It holds cluster keys: a witness refuses it readable by others (issue 10 item 7).
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void aValidFileLoadsWithDefaults() throws Exception {
        WitnessConfig c = WitnessConfig.load(write("stateDir: state\nclusters:\n  - name: a\n    key: \"" + KEY + "\"\n"));
        assertThat(c.port()).isEqualTo(4850);
        assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.stateDir()).isEqualTo(dir.resolve("state"));
        assertThat(c.keys()).containsKey("a");
        assertThat(c.toString()).doesNotContain(KEY);
    }

    @Test
    void errorsNameTheKeyAndNeverPrintTheSecret() throws Exception {
        assertThatThrownBy(() -> WitnessConfig.load(write("stateDir: s\nclusters: []\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clusters");
        assertThatThrownBy(() -> WitnessConfig.load(write("stateDir: s\nport: 70000\nclusters:\n  - name: a\n    key: \"" + KEY + "\"\n")))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> WitnessConfig.load(write("stateDir: s\nbindAddress: \"::1\"\nclusters:\n  - name: a\n    key: \"" + KEY + "\"\n")))
                .hasMessageContaining("IPv6");
        assertThatThrownBy(() -> WitnessConfig.load(write("stateDir: s\nclusters:\n  - name: a\n    key: \"abc\"\n")))
                .hasMessageContaining("clusters[0].key").hasMessageNotContaining("abc\"");
        assertThatThrownBy(() -> WitnessConfig.load(write("stateDir: s\nclustres: []\n")))
                .hasMessageContaining("clustres");
        assertThatThrownBy(() -> WitnessConfig.load(write("stateDir: s\nclusters:\n  - name: a\n    key: \"" + KEY
                + "\"\n  - name: a\n    key: \"" + KEY + "\"\n"))).hasMessageContaining("listed twice").hasMessageNotContaining(KEY);
    }
}
