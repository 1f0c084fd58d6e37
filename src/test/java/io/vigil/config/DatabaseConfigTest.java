package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The database section (SPEC §3): defaults, and a clear error for each mistake. */
class DatabaseConfigTest extends ConfigFixture {

    private static final String INTERNAL = "database:\n  mode: internal\n";

    @Test
    void internalModeDefaultsToTheFirstHeartbeatNetworkAndDebiansPostgres() throws Exception {
        VigilConfig c = load(MINIMAL + INTERNAL);
        DatabaseSection d = c.database();
        assertThat(d.internal()).isTrue();
        assertThat(d.port()).isEqualTo(5432);
        assertThat(d.peerPort()).isEqualTo(5432);
        assertThat(d.peerAddress()).isEqualTo(c.heartbeat().networks().get(0).peer());
        assertThat(d.allowedCidr()).isEqualTo(d.peerAddress() + "/32");
        assertThat(d.dataDir()).isEqualTo(c.node().dataDir().resolve("pg/data"));
        assertThat(d.osUser()).isEqualTo("postgres");
        assertThat(c.toYaml()).contains("mode: internal").contains("peerPort: 5432");
    }

    @Test
    void anUnknownModeIsNamed() {
        assertThat(error(MINIMAL + "database:\n  mode: replicated\n", "database.mode"))
                .contains("'replicated' is not a database mode").contains("internal").contains("external");
    }

    @Test
    void rootCannotRunPostgres() {
        assertThat(error(MINIMAL + INTERNAL + "  osUser: root\n", "database.osUser")).contains("refuses to run as root");
    }

    @Test
    void aMissingPostgresInstallationIsNamed() {
        assertThat(error(MINIMAL + INTERNAL + "  binDir: /nonexistent/bin\n", "database.binDir"))
                .contains("no pg_ctl").contains("apt-get install postgresql-15");
    }

    @Test
    void externalModeNeedsAUrlUserAndReadablePasswordFile() {
        assertThat(error(MINIMAL + "database:\n  mode: external\n", "database.url")).contains("is required");
        assertThat(error(MINIMAL + "database:\n  mode: external\n  url: \"mysql://x\"\n", "database.url"))
                .contains("not a PostgreSQL JDBC URL");
        assertThat(error(MINIMAL + "database:\n  mode: external\n  url: \"jdbc:postgresql://db:5432/vms\"\n",
                "database.user")).contains("is required");
        assertThat(error(MINIMAL + "database:\n  mode: external\n  url: \"jdbc:postgresql://db:5432/vms\"\n"
                + "  user: vms\n  passwordFile: /nonexistent/pw\n", "database.passwordFile")).contains("cannot read");
    }

    @Test
    void externalModeKeepsThePasswordOutOfTheConfigDump() throws Exception {
        Path pw = Files.createTempFile("vigil-db", ".pw");
        Files.writeString(pw, "s3cret-Pw\n");
        VigilConfig c = load(MINIMAL + "database:\n  mode: external\n  url: \"jdbc:postgresql://db:5432/vms\"\n"
                + "  user: vms\n  passwordFile: " + pw + "\n");
        assertThat(c.toYaml()).contains("passwordFile").doesNotContain("s3cret");
    }

    @Test
    void internalModeRefusesExternalKeys() {
        assertThat(error(MINIMAL + INTERNAL + "  url: \"jdbc:postgresql://db/vms\"\n", "database.url"))
                .contains("for mode external only");
    }

    @Test
    void aResourceCannotTakeTheDatabasesName() {
        assertThat(error(FULL.replace("- name: db", "- name: database").replace("dependsOn: [db]", "dependsOn: [database]")
                + INTERNAL, "resources[0].name")).contains("'database' is the name Vigil gives");
    }
}
