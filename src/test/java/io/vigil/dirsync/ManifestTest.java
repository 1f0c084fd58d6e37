package io.vigil.dirsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tree scan: relative names (taken from the path's text when possible) and stale temporary files. */
class ManifestTest {

    @TempDir
    Path dir;

    @Test
    void relativeNamesAreTheSameWhicheverWayTheyAreComputed() {
        Path root = Path.of("/srv/video data/root");
        for (String rel : List.of("a", "a/b", "d0/f12.bin", "\u00e9t\u00e9/x y", ".hidden/..x", "a/.vigil-sync-1.tmp")) {
            Path p = root.resolve(rel);
            assertThat(Manifest.relative(root, p)).isEqualTo(rel);
            assertThat(Manifest.relative(root, p)).isEqualTo(slowRelative(root, p));
        }
        assertThat(Manifest.relative(Path.of("/"), Path.of("/etc/x"))).isEqualTo("etc/x");
        assertThat(Manifest.relative(Path.of("rel/root"), Path.of("rel/root/f"))).isEqualTo("f");
    }

    private static String slowRelative(Path root, Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(p)) {
            sb.append(sb.length() > 0 ? "/" : "").append(part);
        }
        return sb.toString();
    }

    @Test
    void aScanListsEntriesAndReportsTemporaryFilesWithoutListingThem() throws Exception {
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/f"), "x");
        Files.writeString(dir.resolve("d/" + Manifest.TEMP_PREFIX + "abc.tmp"), "half");
        Files.createSymbolicLink(dir.resolve("l"), Path.of("/etc"));
        List<Path> temps = new ArrayList<>();
        List<Entry> entries = Manifest.scan(dir, skipped -> { }, temps::add);
        assertThat(entries).extracting(Entry::path).containsExactly("d", "d/f", "l");
        assertThat(temps).containsExactly(dir.resolve("d/" + Manifest.TEMP_PREFIX + "abc.tmp"));
    }
}
