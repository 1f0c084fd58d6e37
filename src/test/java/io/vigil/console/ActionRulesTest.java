package io.vigil.console;

import io.vigil.core.BootMode;
import io.vigil.core.Colour;
import io.vigil.core.NodeState;
import io.vigil.core.NodeStatus;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which menu entries the console offers in which states, and the reason it gives otherwise. */
class ActionRulesTest {

    private static NodeStatus node(NodeState s) {
        return new NodeStatus(1, s, Colour.GREEN, "", 1, 1, SyncStatus.UPTODATE, ServicesPhase.IDLE, true, true,
                NodeState.SECOND, SyncStatus.UPTODATE, true, false, true, BootMode.KEEP, false, false, 0, List.of(), -1);
    }

    @ParameterizedTest(name = "{0} with peer {1}: {2} -> {3}")
    @CsvSource(nullValues = "-", value = {
            "PRIM,   SECOND, swap,        -",
            "SECOND, PRIM,   swap,        -",
            "ALONE,  STOP,   swap,        reason.swapNeedsPair",
            "PRIM,   -,      swap,        reason.peerUnreachable",
            "STOP,   PRIM,   start,       -",
            "PRIM,   SECOND, start,       reason.alreadyStarted",
            "STOP,   PRIM,   stop,        reason.alreadyStopped",
            "WAIT,   PRIM,   stop,        -",
            "STOP,   PRIM,   restart,     reason.stoppedUseStart",
            "SECOND, PRIM,   force-start, -",
            "STOP,   -,      force-start, -",
            "ALONE,  -,      force-start, reason.alreadyRunsServices",
            "PRIM,   SECOND, failover-on, reason.alreadyOn",
            "PRIM,   SECOND, failover-off, -",
            "PRIM,   SECOND, boot-keep,   reason.current",
            "PRIM,   SECOND, boot-disabled, -",
            "PRIM,   SECOND, checkers-resume, reason.notSuspended",
            "PRIM,   SECOND, checkers-start, reason.alreadyRunning",
            "PRIM,   SECOND, estimate, reason.estimateOnSource",
            "SECOND, PRIM,   estimate, "})
    void availability(NodeState state, NodeState peer, String action, String reason) {
        Map<String, ActionRules.Availability> a = ActionRules.of(node(state), peer == null ? null : node(peer));
        assertThat(a.get(action).enabled()).isEqualTo(reason == null);
        assertThat(a.get(action).reason()).isEqualTo(reason);
    }

    @Test
    void everyEntryIsAnsweredAndMapsToACommandTheNodeAccepts() {
        Map<String, ActionRules.Availability> a = ActionRules.of(node(NodeState.PRIM), node(NodeState.SECOND));
        java.util.List<String> commands = ActionRules.DEFS.stream().map(ActionRules.Def::id).toList();
        java.util.List<String> expected = new java.util.ArrayList<>(commands);
        expected.add(expected.indexOf("force-start") + 1, "estimate"); // a measurement, not a command
        assertThat(a.keySet()).containsExactlyElementsOf(expected);
        assertThat(ActionRules.unreachable().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        for (ActionRules.Def d : ActionRules.DEFS) {
            assertThat(io.vigil.core.Action.parse(d.word(), d.arg())).as(d.id()).isNotNull();
        }
        assertThat(ActionRules.unreachable().values()).allMatch(x -> !x.enabled() && x.reason().equals("reason.unreachable"));
    }
}
