package io.vigil.cli;

import io.vigil.license.License;
import io.vigil.license.LicenseCodec;
import io.vigil.license.Licensing;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** `vigil license show|apply` on a node's configuration (SPEC §8). */
class LicenseCommandTest extends CliFixture {

    private Path nodeConfig() throws Exception {
        Path cfg = config(closedPort(), closedPort());
        Path data = dir.resolve("node1-data");
        Files.writeString(cfg, Files.readString(cfg).replace("dataDir: data/node1", "dataDir: " + data));
        return cfg;
    }

    @Test
    void aFreshNodeIsInItsDemoAndSaysUntilWhen() throws Exception {
        Run run = vigil("license", "show", "--json", "--config", nodeConfig().toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.out()).contains("\"state\" : \"demo\"").contains("vigil license apply FILE");
    }

    @Test
    void aLicenseNotSignedByTheVendorIsRefusedAndNothingChanges() throws Exception {
        Path cfg = nodeConfig();
        Path file = dir.resolve("forged.json");
        Files.write(file, LicenseCodec.encode(new License("F-1", "Forger", List.of("node1", "node2"),
                LocalDate.now(), null), KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()));
        Run run = vigil("license", "apply", file.toString(), "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("license refused, nothing changed: the license's signature does not verify");
        assertThat(dir.resolve("node1-data").resolve(Licensing.LICENSE_FILE)).doesNotExist();
    }

    @Test
    void aFileFarTooBigToBeALicenseIsRefusedBeforeItIsRead() throws Exception {
        Path cfg = nodeConfig();
        Path big = Files.write(dir.resolve("video.mkv"), new byte[1 << 20]);
        Run run = vigil("license", "apply", big.toString(), "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("not a Vigil license: ").contains("has 1048576 bytes");
        assertThat(dir.resolve("node1-data").resolve(Licensing.LICENSE_FILE)).doesNotExist();
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Run run = vigil("license", "apply", dir.resolve("nope.json").toString(), "--config", nodeConfig().toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no such file: ").contains("nope.json");
    }
}
