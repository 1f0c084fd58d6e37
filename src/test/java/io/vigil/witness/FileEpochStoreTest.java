package io.vigil.witness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEpochStoreTest {

    @TempDir
    Path dir;

    @Test
    void theWitnessStateFolderAndFilesAreOwnerOnly() throws Exception {
        FileEpochStore store = new FileEpochStore(dir.resolve("witness/state"));
        store.save("demo", 42);
        store.save("demo", 43);
        assertThat(store.load("demo")).isEqualTo(43);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("witness/state/demo.epoch"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("witness/state"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("witness"))))
                .isEqualTo("rwx------");
    }
}
