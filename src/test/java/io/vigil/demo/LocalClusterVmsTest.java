package io.vigil.demo;

import io.vigil.config.ResourceSection;
import io.vigil.config.VigilConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.vigil.demo.LocalClusterFilesTest.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * VMS mode of the local cluster (issue 13): the nodes' configurations name the reference VMS's
 * servers as resources, load as a node would load them, and carry no secret; the bootstrap
 * passwords are random files only their owner reads. No process is started.
 */
class LocalClusterVmsTest {
    @TempDir
    Path dir;

    @Test
    void theResourcesAreTheVmsServersWithCheckersDependenciesAndNoSecretOnTheCommandLine() throws Exception {
        Path run = dir.resolve("run");
        LocalCluster c = LocalCluster.create(LocalCluster.Settings.defaults(run).withPorts(48800, 48810, 48820)
                .withDatabase(48850).withVms());
        try {
            String admin = Files.readString(c.vmsAdminPasswordFile()).strip();
            String reporter = Files.readString(c.vmsReporterPasswordFile()).strip();
            assertThat(mode(c.vmsAdminPasswordFile())).isEqualTo("rw-------");
            assertThat(mode(c.vmsReporterPasswordFile())).isEqualTo("rw-------");
            assertThat(admin).hasSizeGreaterThanOrEqualTo(16).isNotEqualTo(reporter);

            for (int id = 1; id <= 2; id++) {
                VigilConfig cfg = VigilConfig.load(c.config(id)); // what the node checks at start
                List<ResourceSection> r = cfg.resources();
                assertThat(r).extracting(ResourceSection::name).containsExactly("mgmt", "event", "logs");
                assertThat(r.get(0).start()).contains("io.vigil.vms.management.ManagementMain", "--bind", "127.0.0.1",
                        "--port", "48820", "--node", "node" + id, "--admin-password-file",
                        c.vmsAdminPasswordFile().toString());
                assertThat(r.get(1).start()).contains("io.vigil.vms.events.EventMain", "48830");
                assertThat(r.get(1).dependsOn()).containsExactly("mgmt");
                assertThat(r.get(2).dependsOn()).containsExactly("mgmt");
                for (ResourceSection res : r) {
                    assertThat(res.checkers()).extracting(ch -> ch.type().toString().toLowerCase())
                            .containsExactly("http", "process");
                }
                assertThat(cfg.events().user()).isEqualTo("vigil-node");
                assertThat(cfg.events().passwordFile()).isEqualTo(c.vmsReporterPasswordFile());
                assertThat(cfg.events().url().toString()).isEqualTo("http://127.0.0.1:48830");
                assertThat(Files.readString(c.config(id))).as("no secret in node" + id + "'s configuration")
                        .doesNotContain(admin).doesNotContain(reporter);
            }
            assertThat(c.managementUrl().toString()).isEqualTo("http://127.0.0.1:48820");
            assertThat(c.logsUrl().toString()).isEqualTo("http://127.0.0.1:48840");
        } finally {
            c.close();
        }
    }

    @Test
    void vmsModeWithoutTheDatabaseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> LocalCluster.create(LocalCluster.Settings.defaults(dir.resolve("run")).withVms()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("withVms() needs withDatabase(port): the management server keeps its configuration in the"
                        + " cluster's PostgreSQL");
    }
}
