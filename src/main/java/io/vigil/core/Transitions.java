package io.vigil.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of legal mode changes. {@code Node#moveTo} refuses any other move with an
 * {@link IllegalStateException}: a move that is not here is a bug in a decision, and failing at
 * once (the simulator then prints its seed) beats running on in a mode nobody reasoned about.
 * Staying in the same mode is not a move. docs/architecture.md shows {@link #mermaid()}.
 */
final class Transitions {

    static final Map<Mode, Set<Mode>> LEGAL = table();

    private Transitions() {
    }

    private static Map<Mode, Set<Mode>> table() {
        Map<Mode, Set<Mode>> t = new EnumMap<>(Mode.class);
        t.put(Mode.BOOTING, EnumSet.of(Mode.STOPPED, Mode.JOINING));
        // STOPPED -> JOINING is also a stray "services stopped" report (kept as it was).
        t.put(Mode.STOPPED, EnumSet.of(Mode.JOINING, Mode.STARTING));
        t.put(Mode.JOINING, EnumSet.of(Mode.STOPPED, Mode.STANDBY, Mode.STARTING));
        t.put(Mode.STANDBY, EnumSet.of(Mode.STOPPED, Mode.JOINING, Mode.ACQUIRING, Mode.STARTING));
        t.put(Mode.ACQUIRING, EnumSet.of(Mode.STOPPED, Mode.JOINING, Mode.STANDBY, Mode.STARTING));
        // -> JOINING: the services stopped behind the node's back (watchdog, crash of all resources).
        t.put(Mode.STARTING, EnumSet.of(Mode.RUNNING, Mode.STOPPING, Mode.JOINING));
        t.put(Mode.RUNNING, EnumSet.of(Mode.STOPPING, Mode.JOINING));
        // -> STARTING: an operator restart of a node running alone starts the services again in place.
        t.put(Mode.STOPPING, EnumSet.of(Mode.STOPPED, Mode.JOINING, Mode.STARTING));
        for (Mode m : Mode.values()) {
            t.put(m, Collections.unmodifiableSet(t.getOrDefault(m, EnumSet.noneOf(Mode.class))));
        }
        return Collections.unmodifiableMap(t);
    }

    static boolean legal(Mode from, Mode to) {
        return from == to || LEGAL.get(from).contains(to);
    }

    /** Throws unless {@code from -> to} is in the table. */
    static void check(Mode from, Mode to, Reason why) {
        if (!legal(from, to)) {
            throw new IllegalStateException("illegal mode change " + from + "->" + to + " (reason " + why
                    + "): not in Transitions.LEGAL; a decision moved the node where no rule allows");
        }
    }

    /** The table as a Mermaid state diagram, each mode labelled with its public state. */
    static String mermaid() {
        StringBuilder b = new StringBuilder("```mermaid\nstateDiagram-v2\n");
        for (Mode m : Mode.values()) {
            String shown = m == Mode.RUNNING ? "PRIM / ALONE" : m.shown(true).name();
            b.append("    ").append(m).append(" : ").append(m).append(" (").append(shown).append(")\n");
        }
        b.append("    [*] --> ").append(Mode.BOOTING).append('\n');
        LEGAL.forEach((from, tos) -> tos.forEach(to -> b.append("    ").append(from).append(" --> ").append(to)
                .append('\n')));
        return b.append("```\n").toString();
    }
}
