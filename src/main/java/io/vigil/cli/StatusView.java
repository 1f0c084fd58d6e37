package io.vigil.cli;

import io.vigil.core.Colour;
import io.vigil.core.NodeStatus;
import io.vigil.api.DaemonStatus;
import io.vigil.resource.ResourceStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders one node's status as a compact block readable at 80 columns. */
final class StatusView {

    static final int WIDTH = 80;
    private static final String INDENT = "  ";
    private static final int LABEL = 11;
    private static final String NO_WITNESS = "No witness is configured: if the nodes lose each other on every "
            + "heartbeat network while both are alive, both will run the services.";

    private final boolean ansi;

    StatusView(boolean ansi) {
        this.ansi = ansi;
    }

    String render(DaemonStatus s) {
        NodeStatus n = s.node();
        StringBuilder b = new StringBuilder();
        b.append("node ").append(n.nodeId()).append("  ").append(s.hostName()).append("  ")
                .append(state(n)).append("   cluster ").append(s.clusterName()).append(", vigil ").append(s.version())
                .append(", up ").append(duration(s.uptimeMs())).append('\n');
        row(b, "reason", n.reason() == null || n.reason().isBlank() ? "-" : n.reason());
        boolean replicated = s.database() == null || s.replicated();
        if (replicated) {
            row(b, "sync", (n.sync() == null ? "-" : n.sync().label())
                    + (n.synchronousReplication() ? " (synchronous)" : "")
                    + ", epoch " + n.epoch() + ", data epoch " + n.dataEpoch());
        } else {
            row(b, "database", s.database() + " (not replicated by Vigil), epoch " + n.epoch());
        }
        row(b, "peer", s.peerHostName() + ": " + (n.peerPresent()
                ? "present, " + name(n.peerState()) + (replicated ? ", " + (n.peerSync() == null ? "-" : n.peerSync().label()) : "")
                : "ABSENT"));
        row(b, "services", name(n.services()) + (n.forced() ? " (force-started)" : "") + ", "
                + n.recentFailovers() + " automatic failover(s) in the flapping window");
        if (n.witnessConfigured()) {
            row(b, "witness", n.leaseRemainingMs() >= 0 ? "lease held, valid " + n.leaseRemainingMs() + " ms more"
                    : "no lease held" + (n.state() != null && n.state().runsServices() ? " (running on the peer's grant)" : ""));
        }
        row(b, "admin", "failover " + (n.failoverEnabled() ? "on" : "OFF")
                + ", error detection " + (n.errorDetectionSuspended() ? "SUSPENDED" : "on")
                + ", checkers " + (n.checkersRunning() ? "running" : "STOPPED")
                + ", boot " + name(n.bootMode()).toLowerCase(Locale.ROOT));
        if (s.license() != null) {
            wrapped(b, "license", ("unlicensed".equals(s.license().state()) ? "! " : "") + s.license().message());
        }
        for (DaemonStatus.NetworkLink l : s.networks() == null ? List.<DaemonStatus.NetworkLink>of() : s.networks()) {
            row(b, "heartbeat", l.local() + " -> " + l.peer() + ", " + heard(l));
        }
        rejected(b, s.rejectedHeartbeats());
        directories(b, s.directories());
        resources(b, s.resources());
        for (String w : warnings(n)) {
            wrapped(b, "warning", "! " + w);
        }
        return b.toString();
    }

    /** A snapshot from a newer or older node may lack a field; show "-" rather than fail. */
    private static String name(Enum<?> e) {
        return e == null ? "-" : e.name();
    }

    private String state(NodeStatus n) {
        String name = name(n.state());
        if (!ansi || n.colour() == null) {
            return name;
        }
        return "\u001b[1;" + ansiColour(n.colour()) + "m" + name + "\u001b[0m";
    }

    private static int ansiColour(Colour c) {
        if (c == Colour.GREEN) {
            return 32;
        } else if (c == Colour.MAGENTA) {
            return 35;
        }
        return 31;
    }

    private static String heard(DaemonStatus.NetworkLink l) {
        String heard = l.lastHeardMsAgo() < 0 ? "never heard"
                : String.format(Locale.ROOT, "heard %.1f s ago", l.lastHeardMsAgo() / 1000.0);
        return l.lastError() == null || l.lastError().isBlank() ? heard : heard + ", error: " + l.lastError();
    }

    private static void rejected(StringBuilder b, Map<String, Long> rejected) {
        if (rejected == null || rejected.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        rejected.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey() + " " + e.getValue()));
        wrapped(b, "rejected", "heartbeats: " + String.join(", ", parts));
    }

    /** Replicated directories (issue 3); a node without any shows no row. */
    private static void directories(StringBuilder b, List<io.vigil.dirsync.DirectoryStatus> dirs) {
        for (io.vigil.dirsync.DirectoryStatus d : dirs == null ? List.<io.vigil.dirsync.DirectoryStatus>of() : dirs) {
            String progress = d.bytesTotal() > 0 && d.percent() < 100
                    ? ", " + d.percent() + "% of " + d.bytesTotal() + " bytes"
                    + (d.etaMs() >= 0 ? String.format(Locale.ROOT, ", ETA %.1f s", d.etaMs() / 1000.0) : "") : "";
            wrapped(b, "directory", d.name() + ": " + (d.status() == null ? "-" : d.status().label()) + progress
                    + (d.detail() == null || d.detail().isBlank() ? "" : " (" + d.detail() + ")"));
        }
    }

    private static void resources(StringBuilder b, List<ResourceStatus> resources) {
        if (resources == null || resources.isEmpty()) {
            row(b, "resources", "none configured");
            return;
        }
        String format = INDENT + "%-14s %-32s %-9s %8s %9s%n";
        b.append(String.format(Locale.ROOT, format, "RESOURCE", "DESCRIPTION", "PHASE", "PID", "RESTARTS"));
        for (ResourceStatus r : resources) {
            b.append(String.format(Locale.ROOT, format, cut(r.name(), 14), cut(r.description(), 32),
                    r.phase() == null ? "-" : r.phase().name(), r.pid() < 0 ? "-" : Long.toString(r.pid()),
                    Integer.toString(r.restarts())));
        }
    }

    /** The node's warnings; the missing-witness one is added if the node did not say it itself. */
    private static List<String> warnings(NodeStatus n) {
        List<String> all = new ArrayList<>(n.warnings() == null ? List.of() : n.warnings());
        boolean said = all.stream().anyMatch(w -> w.toLowerCase(Locale.ROOT).contains("witness"));
        if (!n.witnessConfigured() && !said) {
            all.add(NO_WITNESS);
        }
        return all;
    }

    private static void row(StringBuilder b, String label, String value) {
        wrapped(b, label, value);
    }

    /** label + value, the value wrapped at word boundaries within {@link #WIDTH}. */
    private static void wrapped(StringBuilder b, String label, String value) {
        String pad = " ".repeat(INDENT.length() + LABEL);
        int room = WIDTH - pad.length();
        String prefix = INDENT + String.format(Locale.ROOT, "%-" + LABEL + "s", label);
        StringBuilder line = new StringBuilder();
        for (String word : value.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > room) {
                b.append(prefix).append(line).append('\n');
                prefix = pad;
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        b.append(prefix).append(line).append('\n');
    }

    private static String cut(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    static String duration(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 60) {
            return m + "m " + s % 60 + "s";
        }
        long h = m / 60;
        if (h < 48) {
            return h + "h " + m % 60 + "m";
        }
        return h / 24 + "d " + h % 24 + "h";
    }
}
