package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 6, attacker (d): the postgres OS user. The daemon runs as root and writes
 * configuration and password files into directories that user owns; a link planted there must
 * not make root write, hand over or copy a file of its own.
 */
@Tag("postgres")
class PgFileSafetyTest {

    private PgFixture fx;
    private Path victim;

    @BeforeEach
    void fixture() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("this test needs root (the daemon's situation: root writing into the postgres user's directories);"
                    + " CI runs as root");
        }
        fx = new PgFixture();
        victim = Files.createTempFile("vigil-victim-", ".txt");
        Files.writeString(victim, "root-only secret\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        fx.close();
        Files.deleteIfExists(victim);
    }

    @Test
    void aLinkPlantedWhereThePasswordFileGoesIsReplacedAndItsTargetIsUntouched() throws Exception {
        PgInstance pg = fx.instance("node2");
        pg.prepareHome();
        PgConfig cfg = pg.config();
        asPostgres("ln", "-s", victim.toString(), cfg.passFile().toString());

        PgFiles.writePassFile(cfg, fx.config("node1", fx.freePort()));

        assertThat(Files.readString(victim)).isEqualTo("root-only secret\n");
        assertThat(Files.getOwner(victim).getName()).isEqualTo("root");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim))).isEqualTo("rw-------");
        assertThat(Files.isSymbolicLink(cfg.passFile())).as("the link itself was replaced").isFalse();
        assertThat(Files.getOwner(cfg.passFile()).getName()).isEqualTo("postgres");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cfg.passFile()))).isEqualTo("rw-------");
        assertThat(Files.readString(cfg.passFile())).contains("vigil_replication");
    }

    @Test
    void aLinkPlantedInTheDataDirectoryNeverCopiesARootOnlyFileIntoIt() throws Exception {
        PgInstance pg = fx.instance("node2");
        pg.prepareHome();
        pg.initdb();
        PgConfig cfg = pg.config();
        Path auto = cfg.dataDir().resolve("postgresql.auto.conf");
        asPostgres("rm", "-f", auto.toString());
        asPostgres("ln", "-s", victim.toString(), auto.toString());

        PgFiles.writeStandbySettings(cfg, fx.config("node1", fx.freePort()));

        assertThat(Files.readString(victim)).isEqualTo("root-only secret\n");
        assertThat(Files.getOwner(victim).getName()).isEqualTo("root");
        assertThat(Files.isSymbolicLink(auto)).as("the planted link was replaced, not followed").isFalse();
        assertThat(Files.readString(auto)).contains("primary_conninfo").doesNotContain("root-only secret");
        assertThat(Files.getOwner(auto).getName()).isEqualTo("postgres");
    }

    private static void asPostgres(String... argv) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        cmd.addAll(List.of(argv));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", argv)).isZero();
    }
}
