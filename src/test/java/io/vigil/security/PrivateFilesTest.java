package io.vigil.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {

    @TempDir
    Path dir;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void newFoldersAreOwnerOnlyAndExistingOnesKeepTheirMode() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        PrivateFiles.createDirectories(dir.resolve("a/b"));
        assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
        assertThat(mode(dir)).isEqualTo("rwxr-xr-x");
        PrivateFiles.createTraversableDirectories(dir.resolve("c/d"));
        assertThat(mode(dir.resolve("c"))).isEqualTo("rwx--x--x");
        assertThat(mode(dir.resolve("c/d"))).isEqualTo("rwx--x--x");
    }

    @Test
    void aWrittenFileIsOwnerOnlyEvenWhereAWorldReadableOneWas() throws Exception {
        Path f = dir.resolve("sub/secret");
        PrivateFiles.writeString(f, "one");
        assertThat(mode(f)).isEqualTo("rw-------");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.writeString(f, "two");
        assertThat(mode(f)).isEqualTo("rw-------");
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(mode(PrivateFiles.touch(dir.resolve("out")))).isEqualTo("rw-------");
    }

    @Test
    void aLinkPlantedAtTheNameIsReplacedNotFollowed() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("secret"), target);
        PrivateFiles.writeString(link, "new");
        assertThat(Files.readString(target)).isEqualTo("keep");
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(Files.readString(link)).isEqualTo("new");
    }

    @Test
    void aKeyReadableOrWritableByOthersIsReportedWithTheChmodToRun() throws Exception {
        Path key = Files.writeString(dir.resolve("cluster.key"), "00");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(PrivateFiles.keyExposure(key)).isEmpty();
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        assertThat(PrivateFiles.keyExposure(key)).isEmpty();

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(PrivateFiles.keyExposure(key)).hasValueSatisfying(m -> assertThat(m)
                .contains(key + " has mode 0644").contains("can read").endsWith("Run: chmod 600 " + key));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(PrivateFiles.keyExposure(key)).hasValueSatisfying(m -> assertThat(m).contains("mode 0640"));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw--w----"));
        assertThat(PrivateFiles.keyExposure(key)).hasValueSatisfying(m -> assertThat(m)
                .contains("mode 0620").contains("can change"));
    }
}
