package io.vigil.setup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** All or nothing: staged files replace the old ones only when the check passes, else the old ones come back. */
class SetupFilesTest {
    @TempDir
    Path dir;

    private Path existing(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void aPassingCheckLeavesTheNewFilesOwnerOnlyAndNothingAside() throws Exception {
        Path config = existing("vigil.yaml", "old config");
        Path key = dir.resolve("cluster.key");
        SetupFiles files = new SetupFiles();
        files.file(config, "new config");
        files.file(key, "new key");
        Path folder = files.folder(dir.resolve("console"));
        Files.writeString(folder.resolve("server.crt"), "cert");
        assertThat(Files.readString(config)).isEqualTo("old config"); // nothing moves before commit
        files.commit(() -> { });
        assertThat(Files.readString(config)).isEqualTo("new config");
        assertThat(Files.readString(key)).isEqualTo("new key");
        assertThat(Files.readString(dir.resolve("console/server.crt"))).isEqualTo("cert");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aFailingCheckPutsEveryOldFileBackAndRemovesTheNewOnes() throws Exception {
        Path config = existing("vigil.yaml", "old config");
        Files.createDirectories(dir.resolve("tls"));
        Files.writeString(dir.resolve("tls/node.crt"), "old cert");
        SetupFiles files = new SetupFiles();
        files.file(config, "new config");
        files.file(dir.resolve("cluster.key"), "new key");
        Path tls = files.folder(dir.resolve("tls"));
        Files.writeString(tls.resolve("node.crt"), "new cert");
        List<String> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> files.commit(() -> {
            seen.add(read(config)); // the check sees the new files in place
            throw new SetupException("the configuration does not load");
        })).hasMessage("the configuration does not load");
        assertThat(seen).containsExactly("new config");
        assertThat(Files.readString(config)).isEqualTo("old config");
        assertThat(Files.readString(dir.resolve("tls/node.crt"))).isEqualTo("old cert");
        assertThat(dir.resolve("cluster.key")).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void abortRemovesWhatWasStagedAndTouchesNothingElse() throws Exception {
        Path config = existing("vigil.yaml", "old config");
        SetupFiles files = new SetupFiles();
        files.file(config, "new config");
        files.abort();
        assertThat(Files.readString(config)).isEqualTo("old config");
        assertThat(leftovers()).isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".setup-")).toList();
        }
    }
}
