package io.vigil.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IncarnationStoreTest {
    @TempDir
    Path dir;

    @Test
    void everyStartGetsAGreaterIncarnationEvenWhenTheClockGoesBack() throws Exception {
        long first = IncarnationStore.next(dir, 5_000);
        long second = IncarnationStore.next(dir, 5_000);
        long third = IncarnationStore.next(dir, 10);
        assertThat(first).isEqualTo(5_000);
        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
        assertThat(Files.readString(dir.resolve("incarnation")).trim()).isEqualTo(Long.toString(third));
        assertThat(dir.resolve("incarnation.tmp")).doesNotExist();
    }

    @Test
    void aLostDataDirectoryStillGetsAnIncarnationAboveEarlierOnesFromTheClock() throws Exception {
        long before = IncarnationStore.next(dir.resolve("old"), 1_000);
        assertThat(IncarnationStore.next(dir.resolve("new-install"), 2_000)).isGreaterThan(before);
    }

    @Test
    void aDamagedFileStopsTheStartWithWhatToDo() throws IOException {
        Files.writeString(dir.resolve("incarnation"), "garbage");
        assertThatThrownBy(() -> IncarnationStore.next(dir, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("incarnation").toString())
                .hasMessageContaining("Delete the file");
    }
}
