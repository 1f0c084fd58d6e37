package io.vigil.arch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two walks of docs/architecture.md (issue 11) name every file they count, and the counts
 * they state are the counts of those lists: a walk that names a file that was merged or moved
 * away, or a count nobody updated, fails here instead of going stale.
 */
class WalksDocTest {
    private static final Path DOC = Path.of("docs/architecture.md");
    private static final Path SOURCES = Path.of("src/main/java/io/vigil");
    /** "**A heartbeat**, ...: 11 files in 4 packages." */
    private static final Pattern HEADER =
            Pattern.compile("^\\*\\*(A [a-z]+)\\*\\*.*?: (\\d+) files in (\\d+) packages");
    /** "3. `daemon/EventLoop.java`: ..." */
    private static final Pattern STATION = Pattern.compile("^\\d+\\. `([a-z]+(?:/[a-z]+)*/[A-Z]\\w*\\.java)`");

    record Walk(String name, int files, int packages, List<String> named) {
    }

    @Test
    void bothWalksNameExistingFilesAndStateTheirOwnCounts() throws IOException {
        Map<String, Walk> walks = walks(section(Files.readAllLines(DOC)));
        assertThat(walks).as("walks in docs/architecture.md").containsOnlyKeys("A heartbeat", "A swap");
        for (Walk w : walks.values()) {
            Set<String> files = new LinkedHashSet<>(w.named());
            assertThat(w.named()).as("%s: each file is named once", w.name()).doesNotHaveDuplicates();
            for (String f : files) {
                assertThat(SOURCES.resolve(f)).as("%s names %s", w.name(), f).isRegularFile();
            }
            assertThat(files).as("%s: files named", w.name()).hasSize(w.files());
            assertThat(files.stream().map(f -> f.substring(0, f.lastIndexOf('/'))).distinct())
                    .as("%s: packages named", w.name()).hasSize(w.packages());
        }
    }

    /** The lines of "## Two walks through the code", up to the next section. */
    private static List<String> section(List<String> doc) {
        int from = doc.indexOf("## Two walks through the code");
        assertThat(from).as("the section \"## Two walks through the code\"").isNotNegative();
        List<String> out = new ArrayList<>();
        for (String line : doc.subList(from + 1, doc.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            out.add(line);
        }
        return out;
    }

    private static Map<String, Walk> walks(List<String> section) {
        Map<String, Walk> walks = new LinkedHashMap<>();
        Walk current = null;
        for (String line : section) {
            Matcher h = HEADER.matcher(line);
            if (h.find()) {
                current = new Walk(h.group(1), Integer.parseInt(h.group(2)), Integer.parseInt(h.group(3)),
                        new ArrayList<>());
                walks.put(current.name(), current);
                continue;
            }
            Matcher s = STATION.matcher(line);
            if (s.find()) {
                assertThat(current).as("a numbered file before any walk: %s", line).isNotNull();
                current.named().add(s.group(1));
            }
        }
        return walks;
    }
}
