package io.vigil.console;

import io.vigil.core.NodeState;
import io.vigil.core.NodeStatus;
import io.vigil.core.SyncStatus;
import io.vigil.api.DaemonStatus;
import io.vigil.resource.Phase;
import io.vigil.resource.ResourceStatus;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * {@code GET /api/metrics}: the cluster in the Prometheus text format (version 0.0.4), so the
 * operators' monitoring can alarm on states, peer reachability, heartbeat loss, failovers and
 * checker results without scraping the console.
 */
final class Metrics {

    /**
     * This console's own counters (issue 10 item 3: an operator sees a guessing or slowloris attack).
     *
     * @param passwordChecks logins (and Basic scrapes) whose password was actually hashed
     * @param rateLimited    attempts refused with 429 by the per-address back-off, before any hashing
     * @param busy           attempts refused with 503 because the concurrent-hash cap was reached
     * @param slowClientsCut connections closed for not sending a whole request in time
     * @param overAddressCap connections closed at once because their address held its share already
     */
    record ConsoleStats(int eventClients, int connections, long passwordChecks, long rateLimited, long busy,
                       long slowClientsCut, long overAddressCap) { }

    private static final long START_SECONDS = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000;

    private final StringBuilder out = new StringBuilder();

    private Metrics() {
    }

    static String render(ClusterView.Snapshot s, ConsoleStats console) {
        Metrics m = new Metrics();
        m.help("process_start_time_seconds", "start time of this node's process since the Unix epoch in seconds");
        m.sample("process_start_time_seconds", "", START_SECONDS);
        m.help("vigil_build_info", "the Vigil version each reachable node runs (always 1)");
        forEachReachable(s, (n, st) -> m.sample("vigil_build_info", labels("node", n.name(), "version",
                String.valueOf(st.version())), 1));
        m.help("vigil_node_reachable", "1 if the console reaches the node (this node always), 0 if not");
        for (ClusterView.NodeView n : s.nodes()) {
            m.sample("vigil_node_reachable", labels("node", n.name()), n.reachable() ? 1 : 0);
        }
        m.help("vigil_node_state", "1 for the node's current state (PRIM, SECOND, ALONE, STOP, WAIT), 0 for the others");
        forEachReachable(s, (n, st) -> {
            for (NodeState state : NodeState.values()) {
                m.sample("vigil_node_state", labels("node", n.name(), "state", state.name()),
                        st.node().state() == state ? 1 : 0);
            }
        });
        m.nodeGauges(s);
        m.heartbeats(s);
        m.resources(s);
        m.console(console);
        return m.out.toString();
    }

    private void console(ConsoleStats c) {
        help("vigil_console_event_clients", "pages connected to this console's live event stream");
        sample("vigil_console_event_clients", "", c.eventClients());
        help("vigil_console_connections", "HTTP connections open to this console");
        sample("vigil_console_connections", "", c.connections());
        help("vigil_console_password_checks_total", "login attempts whose password was hashed and compared");
        sample("vigil_console_password_checks_total", "", c.passwordChecks());
        help("vigil_console_logins_refused_total", "login attempts refused before any hashing, by reason");
        sample("vigil_console_logins_refused_total", labels("reason", "rate-limited"), c.rateLimited());
        sample("vigil_console_logins_refused_total", labels("reason", "busy"), c.busy());
        help("vigil_console_slow_clients_closed_total", "connections closed for not sending a whole request within "
                + ConsoleHttp.CLIENT_DEADLINE_MS / 1000 + " s");
        sample("vigil_console_slow_clients_closed_total", "", c.slowClientsCut());
        help("vigil_console_connections_refused_total", "connections closed at once: their address already held "
                + ConsoleHttp.MAX_PER_ADDRESS);
        sample("vigil_console_connections_refused_total", "", c.overAddressCap());
    }

    private void nodeGauges(ClusterView.Snapshot s) {
        help("vigil_peer_present", "1 if the node hears its peer's heartbeats");
        forEachReachable(s, (n, st) -> sample("vigil_peer_present", labels("node", n.name()),
                st.node().peerPresent() ? 1 : 0));
        help("vigil_data_uptodate", "1 if the node's data sync status is uptodate");
        forEachReachable(s, (n, st) -> sample("vigil_data_uptodate", labels("node", n.name()),
                st.node().sync() == SyncStatus.UPTODATE ? 1 : 0));
        help("vigil_failover_enabled", "1 if automatic failover is on");
        forEachReachable(s, (n, st) -> sample("vigil_failover_enabled", labels("node", n.name()),
                st.node().failoverEnabled() ? 1 : 0));
        help("vigil_failovers_recent", "automatic failovers within the flapping window (SPEC §2)");
        forEachReachable(s, (n, st) -> sample("vigil_failovers_recent", labels("node", n.name()),
                st.node().recentFailovers()));
        help("vigil_epoch", "the node's cluster epoch; its data epoch lags it while data is not up to date");
        forEachReachable(s, (n, st) -> {
            NodeStatus x = st.node();
            sample("vigil_epoch", labels("node", n.name(), "kind", "cluster"), x.epoch());
            sample("vigil_epoch", labels("node", n.name(), "kind", "data"), x.dataEpoch());
        });
        help("vigil_uptime_seconds", "time since the node's daemon started");
        forEachReachable(s, (n, st) -> sample("vigil_uptime_seconds", labels("node", n.name()), st.uptimeMs() / 1000.0));
    }

    private void heartbeats(ClusterView.Snapshot s) {
        // A network never heard from has no sample (Prometheus convention: no magic -1); the
        // _heard gauge says so explicitly, so an alert can tell "never" from "not scraped".
        help("vigil_heartbeat_heard", "1 if a heartbeat was ever received on the network, 0 if never");
        forEachReachable(s, (n, st) -> {
            for (DaemonStatus.NetworkLink l : st.networks()) {
                sample("vigil_heartbeat_heard", network(n, l), l.lastHeardMsAgo() < 0 ? 0 : 1);
            }
        });
        help("vigil_heartbeat_last_heard_seconds", "time since the last heartbeat on each network (absent: never)");
        forEachReachable(s, (n, st) -> {
            for (DaemonStatus.NetworkLink l : st.networks()) {
                if (l.lastHeardMsAgo() >= 0) {
                    sample("vigil_heartbeat_last_heard_seconds", network(n, l), l.lastHeardMsAgo() / 1000.0);
                }
            }
        });
        help("vigil_heartbeat_rejected_total", "heartbeat datagrams refused, by reason");
        forEachReachable(s, (n, st) -> {
            for (Map.Entry<String, Long> e : st.rejectedHeartbeats().entrySet()) {
                sample("vigil_heartbeat_rejected_total", labels("node", n.name(), "reason", e.getKey()), e.getValue());
            }
        });
    }

    private static String network(ClusterView.NodeView n, DaemonStatus.NetworkLink l) {
        return labels("node", n.name(), "network", l.local() + "->" + l.peer());
    }

    private void resources(ClusterView.Snapshot s) {
        help("vigil_resource_up", "1 if the resource runs and its checkers pass");
        forEachReachable(s, (n, st) -> {
            for (ResourceStatus r : st.resources()) {
                sample("vigil_resource_up", labels("node", n.name(), "resource", r.name()),
                        r.phase() == Phase.RUNNING ? 1 : 0);
            }
        });
        help("vigil_resource_failed", "1 if a checker (or the process) reports the resource failed");
        forEachReachable(s, (n, st) -> {
            for (ResourceStatus r : st.resources()) {
                sample("vigil_resource_failed", labels("node", n.name(), "resource", r.name()),
                        r.phase() == Phase.FAILED ? 1 : 0);
            }
        });
        help("vigil_resync_progress_ratio", "progress of a resync in progress on the node, 0 to 1 "
                + "(database, or a replicated directory)");
        forEachReachable(s, (n, st) -> {
            if (st.databaseResync() != null) {
                sample("vigil_resync_progress_ratio", labels("node", n.name(), "target", "database"),
                        st.databaseResync().percent() / 100.0);
            }
            for (io.vigil.dirsync.DirectoryStatus d : st.directories() == null ? java.util.List.<io.vigil.dirsync.DirectoryStatus>of()
                    : st.directories()) {
                if (d.status() == io.vigil.core.SyncStatus.NOT_UPTODATE) {
                    sample("vigil_resync_progress_ratio", labels("node", n.name(), "target", "directory:" + d.name()),
                            d.percent() / 100.0);
                }
            }
        });
        help("vigil_resource_restarts_total", "local restarts of the resource");
        forEachReachable(s, (n, st) -> {
            for (ResourceStatus r : st.resources()) {
                sample("vigil_resource_restarts_total", labels("node", n.name(), "resource", r.name()), r.restarts());
            }
        });
    }

    private interface NodeVisitor {
        void visit(ClusterView.NodeView n, DaemonStatus st);
    }

    private static void forEachReachable(ClusterView.Snapshot s, NodeVisitor v) {
        for (ClusterView.NodeView n : s.nodes()) {
            if (n.status() != null) {
                v.visit(n, n.status());
            }
        }
    }

    private void help(String name, String text) {
        out.append("# HELP ").append(name).append(' ').append(text).append('\n');
        out.append("# TYPE ").append(name).append(name.endsWith("_total") ? " counter" : " gauge").append('\n');
    }

    private void sample(String name, String labels, double value) {
        out.append(name).append(labels).append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        out.append('\n');
    }

    /** {k="v",...} with the exposition format's escaping of backslash, quote and newline. */
    static String labels(String... kv) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            String v = kv[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
            b.append(kv[i]).append("=\"").append(v).append('"');
        }
        return b.append('}').toString();
    }
}
