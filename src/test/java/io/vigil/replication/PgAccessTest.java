package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16: the database user must be able to enter every directory above its data. */
class PgAccessTest {
    /** A user who owns nothing here and is in no group that does. */
    private static final PgAccess.Identity STRANGER = new PgAccess.Identity(54321, Set.of(54321));

    @Test
    void aDirectoryClosedToOthersAboveTheDataIsNamedWithTheUserAndTheFix(@TempDir Path tmp) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x")); // JUnit makes it 0700
        Path closed = Files.createDirectory(tmp.resolve("home"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path data = closed.resolve("checkout/demo-run/node1/pg/data");

        assertThat(PgAccess.problem(data, "postgres", STRANGER)).hasValueSatisfying(p -> assertThat(p)
                .contains("'postgres' cannot enter " + closed).contains("rwx------")
                .contains("database.dataDir").contains("chmod o+x " + closed).doesNotContain("\n"));
    }

    @Test
    void directoriesOthersMayEnterAndOnesVigilWillCreateAreFine(@TempDir Path tmp) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path data = tmp.resolve("not/yet/created/pg/data");
        assertThat(PgAccess.problem(data, "postgres", STRANGER)).isEmpty();
    }

    @Test
    void theDataDirectorysParentIsNotCheckedBecauseVigilHandsItToTheUser(@TempDir Path tmp) throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectory(tmp.resolve("pg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        assertThat(PgAccess.problem(home.resolve("data"), "postgres", STRANGER)).isEmpty();
    }

    @Test
    void ownerGroupAndOtherBitsAreReadForTheRightClass() {
        PgAccess.Identity u = new PgAccess.Identity(100, Set.of(200, 300));
        assertThat(PgAccess.searchable(u, 100, 0, 0100)).isTrue();
        assertThat(PgAccess.searchable(u, 100, 0, 0011)).as("owner bits decide for the owner").isFalse();
        assertThat(PgAccess.searchable(u, 0, 300, 0010)).isTrue();
        assertThat(PgAccess.searchable(u, 0, 300, 0001)).as("group bits decide for a member").isFalse();
        assertThat(PgAccess.searchable(u, 0, 0, 0001)).isTrue();
        assertThat(PgAccess.searchable(u, 0, 0, 0770)).isFalse();
    }
}
