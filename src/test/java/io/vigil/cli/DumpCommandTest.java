package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.admin.FakeNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** `vigil dump create|list`: real dumps written by a node behind the real local admin channel. */
class DumpCommandTest extends CliFixture {
    final FakeNode node1 = FakeNode.primary(1);

    /** Where a node configured by {@link #config} keeps its dumps (its dataDir is data/node1). */
    private Path supportDir(Path cfg) {
        return io.vigil.support.Dumps.dir(cfg.getParent().resolve("data/node1"));
    }

    @Test
    void createWritesADumpOnTheNodeAndListShowsIt() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        node1.withDumps(supportDir(cfg));

        Run created = vigil("dump", "create", "--config", cfg.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).startsWith("node 1: dump written to " + supportDir(cfg).resolve("dump_"));
        Run json = vigil("dump", "create", "--json", "--config", cfg.toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode dump = new ObjectMapper().readTree(json.out());
        assertThat(dump.get("name").asText()).matches("dump_\\d{8}_\\d{6}(-\\d+)?");
        assertThat(dump.get("reason").asText()).startsWith("operator ").contains("(cli)");
        assertThat(Path.of(dump.get("path").asText()).resolve("threads.txt")).isRegularFile();

        Run list = vigil("dump", "list", "--config", cfg.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("node 1: 2 dumps\n").contains("  " + dump.get("name").asText() + "  ");
        JsonNode listed = new ObjectMapper().readTree(vigil("dump", "list", "--json", "--config", cfg.toString()).out());
        assertThat(listed.isArray()).isTrue();
        assertThat(listed).hasSize(2);
        assertThat(listed.get(1).get("name").asText()).isEqualTo(dump.get("name").asText());
    }

    @Test
    void theFourthDumpDeletesTheOldestAndTheSnapshotCarriesTheLastThree() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        node1.withDumps(supportDir(cfg));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Run r = vigil("dump", "create", "--json", "--config", cfg.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            names.add(new ObjectMapper().readTree(r.out()).get("name").asText());
        }
        assertThat(names).doesNotHaveDuplicates();
        JsonNode listed = new ObjectMapper().readTree(vigil("dump", "list", "--json", "--config", cfg.toString()).out());
        List<String> kept = new ArrayList<>();
        listed.forEach(d -> kept.add(d.get("name").asText()));
        assertThat(kept).containsExactlyElementsOf(names.subList(1, 4));
        assertThat(supportDir(cfg).resolve(names.get(0))).doesNotExist();

        Path out = Files.createTempDirectory("vigil-snap");
        Run snap = vigil("snapshot", "--out", out.toString(), "--config", cfg.toString());
        assertThat(snap.exitCode()).as(snap.err()).isZero();
        List<String> entries = new ArrayList<>();
        try (var files = Files.list(out)) {
            Path zip = files.findFirst().orElseThrow();
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    entries.add(e.getName());
                }
            }
        }
        for (String name : names.subList(1, 4)) {
            assertThat(entries).contains("kept/" + name + "/threads.txt", "kept/" + name + "/status.json",
                    "kept/" + name + "/configuration.yaml", "kept/" + name + "/module.log");
        }
        assertThat(entries).noneMatch(e -> e.startsWith("kept/" + names.get(0) + "/"));
    }

    @Test
    void withClusterThePeerWritesItsOwnDumpThroughTheLocalNode() throws Exception {
        FakeNode node2 = FakeNode.primary(2);
        Path peerDumps = Files.createTempDirectory("vigil-peer-dumps");
        node2.withDumps(peerDumps);
        Path cfg = config(serve(node1), serve(node2));
        node1.withDumps(supportDir(cfg));
        Run run = vigil("dump", "create", "--cluster", "--json", "--config", cfg.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode both = new ObjectMapper().readTree(run.out());
        assertThat(both).hasSize(2);
        assertThat(both.get(0).get("path").asText()).startsWith(supportDir(cfg).toString());
        assertThat(both.get(1).get("path").asText()).startsWith(peerDumps.toString());
        Run list = vigil("dump", "list", "--node", "2", "--config", cfg.toString());
        assertThat(list.out()).startsWith("node 2: 1 dump\n").contains(both.get(1).get("name").asText());
    }

    @Test
    void aNodeThatCannotDumpIsARefusalWithItsReason() throws Exception {
        Path cfg = config(serve(node1), closedPort()); // no withDumps: the node refuses
        Run run = vigil("dump", "create", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.err()).contains("node 1: ").contains("this node keeps no dumps");
        assertThat(vigil("dump").exitCode()).as("no subcommand").isEqualTo(ExitCode.USAGE);
    }
}
