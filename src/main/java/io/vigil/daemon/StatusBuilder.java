package io.vigil.daemon;

import io.vigil.api.DaemonStatus;
import io.vigil.config.VigilConfig;
import io.vigil.core.NodeStatus;
import io.vigil.heartbeat.NetworkStatus;
import io.vigil.heartbeat.UdpHeartbeatTransport;
import io.vigil.resource.ResourceStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Assembles the immutable {@link DaemonStatus} after each step of the event loop. */
final class StatusBuilder {
    private final VigilConfig config;
    private final long startedNanos;

    private volatile java.util.function.Supplier<io.vigil.license.LicenseStatus> license = () -> null;
    /** The daemon's own warnings (plain-HTTP console, certificates near their end), after the core's. */
    private volatile java.util.function.Supplier<List<String>> daemonWarnings = List::of;

    StatusBuilder(VigilConfig config, long startedNanos) {
        this.config = config;
        this.startedNanos = startedNanos;
    }

    /** Where the license state comes from (the daemon's {@link LicenseGuard}). */
    void licenseFrom(java.util.function.Supplier<io.vigil.license.LicenseStatus> source) {
        this.license = source;
    }

    /** Where the daemon's own warnings come from (issue 12: the console's protocol, the certificates). */
    void warningsFrom(java.util.function.Supplier<List<String>> source) {
        this.daemonWarnings = source;
    }

    /** The core's snapshot with the daemon's warnings added: `vigil status` and the console show one list. */
    private NodeStatus withDaemonWarnings(NodeStatus n) {
        List<String> extra = daemonWarnings.get();
        if (extra.isEmpty()) {
            return n;
        }
        List<String> all = new ArrayList<>(n.warnings() == null ? List.of() : n.warnings());
        all.addAll(extra);
        return new NodeStatus(n.nodeId(), n.state(), n.colour(), n.reason(), n.epoch(), n.dataEpoch(), n.sync(),
                n.services(), n.synchronousReplication(), n.peerPresent(), n.peerState(), n.peerSync(),
                n.failoverEnabled(), n.errorDetectionSuspended(), n.checkersRunning(), n.bootMode(),
                n.witnessConfigured(), n.forced(), n.recentFailovers(), List.copyOf(all), n.leaseRemainingMs());
    }

    private DaemonStatus.LicenseInfo license() {
        io.vigil.license.LicenseStatus l = license.get();
        return l == null ? null : new DaemonStatus.LicenseInfo(l.kind().name().toLowerCase(java.util.Locale.ROOT),
                l.message());
    }

    DaemonStatus build(NodeStatus node, List<ResourceStatus> resources, UdpHeartbeatTransport transport,
                       List<io.vigil.dirsync.DirectoryStatus> directories, io.vigil.replication.DatabaseNode.Progress databaseResync) {
        long now = System.nanoTime();
        List<DaemonStatus.NetworkLink> links = new ArrayList<>();
        Map<String, Long> rejected = new LinkedHashMap<>();
        if (transport != null) {
            for (NetworkStatus n : transport.networks()) {
                long ago = n.lastReceivedNanos().isPresent() ? (now - n.lastReceivedNanos().getAsLong()) / 1_000_000 : -1;
                links.add(new DaemonStatus.NetworkLink(n.network().localAddress(), n.network().peerAddress(), ago,
                        n.lastSendError().orElse(null)));
            }
            transport.rejectedCounts().forEach((k, v) -> rejected.put(k.name(), v));
        }
        return new DaemonStatus(withDaemonWarnings(node), config.node().hostName(), config.peer().hostName(), config.cluster().name(),
                Version.get() + " (protocol " + io.vigil.protocol.ProtocolVersion.current() + ")", (now - startedNanos) / 1_000_000, List.copyOf(resources), List.copyOf(links),
                Map.copyOf(rejected), config.database() == null ? "none"
                        : config.database().mode().name().toLowerCase(java.util.Locale.ROOT), List.copyOf(directories), databaseResync, license());
    }
}
