package io.vigil.console;

import io.vigil.core.Action;
import io.vigil.core.BootMode;
import io.vigil.core.Commands;
import io.vigil.core.NodeState;
import io.vigil.core.NodeStatus;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which menu actions make sense for a node right now, and why not when they don't (issue 5:
 * impossible actions are disabled with the reason). The state machine still has the last word —
 * it refuses anything illegal — this only spares the operator a pointless confirmation dialog.
 * Reasons are i18n keys ({@code reason.*}) so the console shows them in the browser's language.
 */
final class ActionRules {

    /** A menu entry: the admin-channel command word and its argument. */
    record Def(String id, String word, String arg) { }

    /** Whether an entry is available; {@code reason} is an i18n key when it is not. */
    record Availability(boolean enabled, String reason) { }

    /** The menu: every operator action of the one vocabulary ({@link Action}), in its order. */
    static final List<Def> DEFS = Arrays.stream(Action.values()).map(a -> new Def(a.id(), a.word(), a.arg())).toList();

    private ActionRules() {
    }

    /** Every entry disabled: the node cannot be reached. */
    static Map<String, Availability> unreachable() {
        Map<String, Availability> m = new LinkedHashMap<>();
        DEFS.forEach(d -> m.put(d.id(), new Availability(false, "reason.unreachable")));
        m.put("estimate", new Availability(false, "reason.unreachable"));
        return m;
    }

    /** @param peer the peer's snapshot, or null when it cannot be reached */
    static Map<String, Availability> of(NodeStatus n, NodeStatus peer) {
        Map<String, Availability> m = new LinkedHashMap<>();
        NodeState s = n.state();
        m.put("start", when(s == NodeState.STOP, "reason.alreadyStarted"));
        m.put("stop", when(s != NodeState.STOP, "reason.alreadyStopped"));
        m.put("restart", when(s != NodeState.STOP, "reason.stoppedUseStart"));
        String swapWhy = swapReason(s, peer);
        m.put("swap", when(swapWhy == null, swapWhy));
        m.put("swap-without-sync", when(swapWhy == null, swapWhy));
        m.put("force-start", when(!s.runsServices(), "reason.alreadyRunsServices"));
        // Not a command: a measurement (GET /api/nodes/{id}/estimate), on the node a resync would target.
        m.put("estimate", when(!s.runsServices(), "reason.estimateOnSource"));
        m.put("failover-on", when(!n.failoverEnabled(), "reason.alreadyOn"));
        m.put("failover-off", when(n.failoverEnabled(), "reason.alreadyOff"));
        for (BootMode b : BootMode.values()) {
            m.put("boot-" + b.name().toLowerCase(), when(n.bootMode() != b, "reason.current"));
        }
        m.put("checkers-suspend", when(!n.errorDetectionSuspended(), "reason.alreadySuspended"));
        m.put("checkers-resume", when(n.errorDetectionSuspended(), "reason.notSuspended"));
        m.put("checkers-start", when(!n.checkersRunning(), "reason.alreadyRunning"));
        m.put("checkers-stop", when(n.checkersRunning(), "reason.alreadyStoppedCheckers"));
        return m;
    }

    /** Swap exchanges a PRIM with a SECOND; anything else has nothing to exchange with. */
    private static String swapReason(NodeState s, NodeStatus peer) {
        if (peer == null) {
            return "reason.peerUnreachable";
        }
        return Commands.swapPair(s, peer.state()) ? null : "reason.swapNeedsPair";
    }

    private static Availability when(boolean enabled, String reason) {
        return new Availability(enabled, enabled ? null : reason);
    }

    static Def def(String id) {
        return DEFS.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
    }
}
