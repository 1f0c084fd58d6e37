package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The copies of a data directory kept aside (before a full resync, or because they held
 * divergent transactions) are bounded: the newest {@link PgResync#KEEP_ASIDE} stay, whatever
 * their kind, and nothing else beside the data directory is touched.
 */
@Tag("postgres")
class KeptCopiesTest {

    @Test
    void only_the_newest_copies_kept_aside_stay_and_other_files_are_left_alone() throws Exception {
        try (PgFixture fx = PgFixture.plaintext()) {
            PgConfig cfg = fx.config("node1", fx.freePort());
            List<String> names = List.of("node1.before-resync-20261207-101500", // the old format, seconds only
                    "node1.diverged-20261207-101600-001", "node1.before-resync-20261207-101700-002",
                    "node1.diverged-20261207-101800-003", "node1.before-resync-20261207-101900-004");
            for (String n : names) {
                Path d = Files.createDirectories(fx.base().resolve(n).resolve("base"));
                PgCommand.own(cfg, d.getParent());
                PgCommand.own(cfg, d);
            }
            Path data = Files.createDirectories(fx.base().resolve("node1"));
            Path otherNode = Files.createDirectories(fx.base().resolve("node2.diverged-20261207-090000-000"));
            Path file = Files.writeString(fx.base().resolve("node1.diverged-20261207-090000-000"), "not a directory");

            PgResync.pruneKeptCopies(cfg);

            try (Stream<Path> left = Files.list(fx.base())) {
                assertThat(left.map(p -> p.getFileName().toString())).contains("node1.diverged-20261207-101800-003",
                        "node1.before-resync-20261207-101900-004", "node1.before-resync-20261207-101700-002")
                        .doesNotContain("node1.before-resync-20261207-101500", "node1.diverged-20261207-101600-001");
            }
            assertThat(data).isDirectory();
            assertThat(otherNode).isDirectory();
            assertThat(file).isRegularFile();
        }
    }
}
