package io.vigil.it.net;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The machine's named network namespaces, as far as labs are concerned. */
final class Namespaces {
    private Namespaces() {
    }

    /** Namespaces named {@code prefix-N-...} whose lab number N no live lab holds (or that we now hold). */
    static void removeLeftovers(String prefix, int ours) {
        Pattern mine = Pattern.compile(Pattern.quote(prefix) + "-(\\d+)-[a-z0-9]+");
        for (String ns : list()) {
            Matcher m = mine.matcher(ns);
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1));
                if (n == ours || (n <= LabNumber.MAX && LabNumber.isFree(n))) {
                    destroy(ns);
                }
            }
        }
    }

    static List<String> list() {
        List<String> out = new ArrayList<>();
        for (String line : root("ip", "netns", "list").split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip().split("\\s+")[0]);
            }
        }
        return out;
    }

    /** Processes keep a deleted namespace (and its veths) alive, so they go first. */
    static void destroy(String ns) {
        if (!list().contains(ns)) {
            return;
        }
        ProcessGroups.killAllIn(ns);
        root("ip", "netns", "del", ns);
    }

    private static String root(String... command) {
        return Cmd.run(command).orThrow().output();
    }
}
