package io.vigil.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The table of legal mode changes, the one place that applies them, and its rendering in the docs. */
class TransitionsTest {
    private static final Path CORE = Path.of("src/main/java/io/vigil/core");
    private long now = 1_000;

    @Test
    void everyModeHasARowAndOnlyBootingIsNeverReentered() {
        assertThat(Transitions.LEGAL).containsOnlyKeys(Mode.values());
        Transitions.LEGAL.values().forEach(targets -> assertThat(targets).doesNotContain(Mode.BOOTING));
        assertThat(Transitions.legal(Mode.RUNNING, Mode.RUNNING)).as("staying is not a move").isTrue();
    }

    @Test
    void anIllegalMoveIsRefusedLoudlyAndChangesNothing() {
        Node n = new Node(CoreConfig.defaults(1, true), () -> now, new SplittableRandom(1));
        n.step(new Event.Boot(new PersistedState(NodeState.STOP, 3, 3, BootMode.KEEP, true)));
        assertThat(n.mode).isEqualTo(Mode.STOPPED);
        assertThatThrownBy(() -> n.moveTo(Mode.RUNNING, Reason.GRANTED, "services running"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("illegal mode change STOPPED->RUNNING (reason GRANTED)");
        assertThat(n.mode).isEqualTo(Mode.STOPPED);
        assertThat(n.status().reason()).doesNotContain("services running");
    }

    @Test
    void aPublishedStateChangeIsLoggedWithItsReasonCodeThenTheDetail() {
        Node n = new Node(CoreConfig.defaults(1, true), () -> now, new SplittableRandom(1));
        List<Effect> out = n.step(new Event.Boot(null));
        assertThat(out).filteredOn(Effect.Log.class::isInstance).map(e -> ((Effect.Log) e).message())
                .contains("state=BOOT->WAIT reason=BOOT epoch=0 (waiting for node2: start it, or force start this node"
                        + " if it is gone for good)");
        out = n.step(new Event.OperatorCommand(1, new Command.Stop(), "test"));
        assertThat(out).filteredOn(Effect.Log.class::isInstance).map(e -> ((Effect.Log) e).message())
                .contains("state=WAIT->STOP reason=OPERATOR_STOP epoch=0 (stopped by test)");
    }

    @Test
    void onlyMoveToAssignsTheMode() throws IOException {
        Pattern write = Pattern.compile("(?<![\\w.=!<>])(?:\\w+\\.)?mode\\s*=(?!=)");
        StringBuilder found = new StringBuilder();
        try (var files = Files.list(CORE)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String[] lines = Files.readString(f, StandardCharsets.UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = write.matcher(lines[i]);
                    if (m.find() && !lines[i].contains("Mode mode = Mode.BOOTING") && !lines[i].trim().equals("mode = next;")) {
                        found.append(f.getFileName()).append(':').append(i + 1).append(": ").append(lines[i].trim()).append('\n');
                    }
                }
            }
        }
        assertThat(found.toString()).as("mode written outside Node#moveTo").isEmpty();
    }

    @Test
    void theArchitectureDocumentShowsTheTableAsRenderedFromTheCode() throws IOException {
        String doc = Files.readString(Path.of("docs/architecture.md"), StandardCharsets.UTF_8);
        String diagram = Transitions.mermaid();
        assertThat(doc.contains(diagram))
                .as("docs/architecture.md must contain the table rendered from Transitions.LEGAL; paste this"
                        + " in place of the old diagram:%n%s", diagram)
                .isTrue();
    }
}
