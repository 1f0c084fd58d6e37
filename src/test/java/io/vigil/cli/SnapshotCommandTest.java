package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.admin.FakeNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** `vigil snapshot`: the Support snapshot written by the CLI over the admin channel. */
class SnapshotCommandTest extends CliFixture {
    final FakeNode node1 = FakeNode.primary(1);

    @Test
    void theSnapshotHoldsStatusLogsAndTheRedactedConfiguration() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Path out = Files.createTempDirectory("vigil-snap");
        Run run = vigil("snapshot", "--out", out.toString(), "--json", "--config", cfg.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"nodeId\" : 1").contains("vigil-snapshot-node1-");
        Path zip;
        try (var files = Files.list(out)) {
            zip = files.filter(f -> f.getFileName().toString().endsWith(".zip")).findFirst().orElseThrow();
        }
        Map<String, String> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName().replaceFirst("^dump_[0-9_]+/", ""), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).containsKeys("status.json", "module.log", "application.log", "commands.log",
                "configuration.yaml", "README.txt");
        assertThat(entries.get("application.log")).contains("fake application line");
        assertThat(entries.get("configuration.yaml")).contains("<redacted>").doesNotContain(KEY);
    }

    @Test
    void anUnreachableNodeExitsThreeAndWritesNothing() throws Exception {
        Path cfg = config(closedPort(), closedPort());
        Path out = Files.createTempDirectory("vigil-snap");
        Run run = vigil("snapshot", "--out", out.toString(), "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        try (var files = Files.list(out)) {
            assertThat(files).isEmpty();
        }
    }
}
