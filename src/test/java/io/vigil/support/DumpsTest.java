package io.vigil.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.admin.FakeNode;
import io.vigil.api.DumpInfo;
import io.vigil.api.LogPage;
import io.vigil.log.Redactor;
import io.vigil.security.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dumps and configurations a node keeps (SPEC §2 "Support"), on a real file system. */
class DumpsTest {
    static final String SECRET = "s3cret-webhook-key-0123456789";
    static final Clock AT = Clock.fixed(Instant.parse("2026-12-07T21:34:05Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private Dumps dumps(FakeNode node, String yaml) {
        Redactor r = new Redactor();
        r.addSecret(SECRET);
        return new Dumps(tmp.resolve("support"), node, yaml, tmp.resolve("state.json"), r::apply, AT);
    }

    @Test
    void aDumpHoldsEveryPartPrivatelyAndNamesFallingInTheSameSecondStayUnique() throws Exception {
        Files.writeString(tmp.resolve("state.json"), "{\"version\":1,\"lastState\":\"PRIM\",\"epoch\":7}");
        Dumps d = dumps(FakeNode.primary(1), "cluster:\n  name: demo\n");
        DumpInfo first = d.create("operator admin");
        DumpInfo second = d.create("failover: peer lost");
        assertThat(first.name()).isEqualTo("dump_20261207_213405");
        assertThat(second.name()).isEqualTo("dump_20261207_213405-2");
        assertThat(second.reason()).isEqualTo("failover: peer lost");
        assertThat(second.createdAt()).isEqualTo("2026-12-07T21:34:05Z");
        Path dir = Path.of(first.path());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("support"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all.stream().map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("README.txt",
                    "threads.txt", "processes.txt", "status.json", "module.log", "module-errors.log",
                    "application.log", "commands.log", "configuration.yaml", "state.json");
            for (Path f : all) {
                assertThat(Files.getPosixFilePermissions(f)).as(f.toString()).isEqualTo(PrivateFiles.FILE);
            }
        }
        assertThat(Files.readString(dir.resolve("threads.txt"))).contains("\"main\"").contains("\tat ");
        assertThat(Files.readString(dir.resolve("processes.txt"))).contains(Long.toString(ProcessHandle.current().pid()));
        assertThat(Files.readString(dir.resolve("state.json"))).contains("\"epoch\":7");
        assertThat(Files.readString(dir.resolve("status.json"))).contains("\"hostName\"");
        assertThat(Files.readString(dir.resolve("application.log"))).contains("fake application line");
        assertThat(d.list()).extracting(DumpInfo::name).containsExactly(first.name(), second.name());
    }

    @Test
    void theFourthDumpDeletesTheOldest() throws Exception {
        Dumps d = dumps(FakeNode.primary(1), "x: 1\n");
        List<String> names = Stream.of("a", "b", "c", "d").map(reason -> {
            try {
                return d.create(reason).name();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(d.list()).extracting(DumpInfo::name).containsExactlyElementsOf(names.subList(1, 4));
        assertThat(d.list()).extracting(DumpInfo::reason).containsExactly("b", "c", "d");
        assertThat(tmp.resolve("support").resolve(names.get(0))).doesNotExist();
    }

    @Test
    void everyFileGoesThroughTheRedactorAndAPartThatCannotBeReadSaysWhy() throws Exception {
        FakeNode node = FakeNode.primary(1).withLogs((log, verbose, offset, limit) -> {
            if (log.equals("commands")) {
                throw new IOException("commands.log: Permission denied");
            }
            return new LogPage(log, verbose, List.of("sent with key " + SECRET));
        });
        DumpInfo dump = dumps(node, "webhook:\n  secret: " + SECRET + "\n").create("reason quoting " + SECRET);
        try (Stream<Path> files = Files.list(Path.of(dump.path()))) {
            for (Path f : files.toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(SECRET);
            }
        }
        Path dir = Path.of(dump.path());
        assertThat(Files.readString(dir.resolve("module.log"))).contains("sent with key <redacted>");
        assertThat(Files.readString(dir.resolve("commands.log"))).contains("could not be collected")
                .contains("Permission denied");
        assertThat(Files.readString(dir.resolve("state.json"))).contains("no state file at");
    }

    @Test
    void theLastThreeDistinctConfigurationsAreKept() throws Exception {
        Dumps d = dumps(FakeNode.primary(1), "version: 1\n");
        d.keepConfiguration();
        d.keepConfiguration(); // unchanged: no second copy
        assertThat(Dumps.keptFiles(tmp.resolve("support"))).containsOnlyKeys("configuration_20261207_213405.yaml");
        for (int v = 2; v <= 5; v++) {
            dumps(FakeNode.primary(1), "version: " + v + "\n").keepConfiguration();
        }
        var kept = Dumps.keptFiles(tmp.resolve("support"));
        assertThat(kept).containsOnlyKeys("configuration_20261207_213405-3.yaml", "configuration_20261207_213405-4.yaml",
                "configuration_20261207_213405-5.yaml");
        assertThat(Files.readString(kept.get("configuration_20261207_213405-5.yaml"))).isEqualTo("version: 5\n");
        assertThat(Files.getPosixFilePermissions(kept.get("configuration_20261207_213405-5.yaml")))
                .isEqualTo(PrivateFiles.FILE);
    }
}
