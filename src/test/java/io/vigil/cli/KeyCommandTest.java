package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.security.ClusterKeys;
import io.vigil.witness.WitnessConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** `vigil key witness`: the witness host's only secret, printed or written 0600, never the cluster key. */
class KeyCommandTest extends CliFixture {

    @Test
    void printsTheWitnessKeyOfTheClusterAndNotTheClusterKey() throws Exception {
        Run run = vigil("key", "witness", "--config", config(closedPort(), closedPort()).toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String expected = HexFormat.of().formatHex(ClusterKeys.of(HexFormat.of().parseHex(KEY)).witness("demo"));
        assertThat(run.out()).isEqualTo(expected + "\n").doesNotContain(KEY);
    }

    @Test
    void writesItIntoAPrivateFileThatAWitnessConfigurationAccepts() throws Exception {
        Path keyFile = dir.resolve("witness/demo.key");
        Run run = vigil("key", "witness", "--config", config(closedPort(), closedPort()).toString(),
                "--out", keyFile.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Wrote the witness key of cluster 'demo' to " + keyFile)
                .contains("keyFile");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        Path witnessYaml = dir.resolve("witness/witness.yaml");
        Files.writeString(witnessYaml, "stateDir: state\nclusters:\n  - name: demo\n    keyFile: demo.key\n");
        assertThat(WitnessConfig.load(witnessYaml).keys().get("demo"))
                .isEqualTo(ClusterKeys.of(HexFormat.of().parseHex(KEY)).witness("demo"));
    }

    @Test
    void aMissingConfigurationIsAUsageErrorNamingTheOption() {
        Run run = vigil("key", "witness", "--config", dir.resolve("nope.yaml").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("nope.yaml not found").contains("--config");
    }
}
