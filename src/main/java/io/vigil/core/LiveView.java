package io.vigil.core;

/** {@link NodeView} of a {@link Node}: reads its fields as they are, writes nothing. */
final class LiveView implements NodeView {
    private final Node n;

    LiveView(Node n) {
        this.n = n;
    }

    @Override
    public CoreConfig cfg() {
        return n.cfg;
    }

    @Override
    public long now() {
        return n.clock.nowMs();
    }

    @Override
    public Mode mode() {
        return n.mode;
    }

    @Override
    public NodeState state() {
        return n.state();
    }

    @Override
    public int peerId() {
        return n.peerId();
    }

    @Override
    public long epoch() {
        return n.epoch;
    }

    @Override
    public long dataEpoch() {
        return n.dataEpoch;
    }

    @Override
    public SyncStatus sync() {
        return n.sync;
    }

    @Override
    public boolean synchronous() {
        return n.synchronous;
    }

    @Override
    public long partnerDownSinceMs() {
        return n.partnerDownSinceMs;
    }

    @Override
    public boolean forced() {
        return n.forced;
    }

    @Override
    public boolean failoverEnabled() {
        return n.failoverEnabled;
    }

    @Override
    public boolean detectionSuspended() {
        return n.detectionSuspended;
    }

    @Override
    public ServicesPhase services() {
        return n.services;
    }

    @Override
    public long servicesSinceMs() {
        return n.servicesSinceMs;
    }

    @Override
    public String lastAlarm() {
        return n.lastAlarm;
    }

    @Override
    public long incarnation() {
        return n.incarnation;
    }

    @Override
    public long grantedEpoch() {
        return n.grantedEpoch;
    }

    @Override
    public String noTakeoverCause() {
        return n.noTakeoverCause;
    }

    @Override
    public boolean leaseRequestDue() {
        long now = now();
        return now >= n.nextLeaseAtMs && !n.auth.leaseRequestPending(now, n.cfg.heartbeatIntervalMs());
    }

    @Override
    public Heartbeat peerLive() {
        return n.peer.live();
    }

    @Override
    public Heartbeat peerLast() {
        return n.peer.last();
    }

    @Override
    public boolean failoverAllowed(int peerRecentFailovers) {
        return n.flaps.allows(now(), peerRecentFailovers);
    }

    @Override
    public int maxFailovers() {
        return n.flaps.max();
    }

    @Override
    public boolean leaseValid(long marginMs) {
        return n.auth.leaseValid(now(), marginMs);
    }

    @Override
    public long leaseEpoch() {
        return n.auth.leaseEpoch();
    }

    @Override
    public String resourceDueForFailover() {
        return n.health.dueForFailover(now());
    }

    @Override
    public String resourceDetail(String resource) {
        return n.health.detail(resource);
    }

    @Override
    public boolean resourceMayRestart(String resource) {
        return n.health.mayRestart(resource, now());
    }

    @Override
    public Node.AfterStop afterStop() {
        return n.afterStop;
    }

    @Override
    public long handoverEpoch() {
        return n.handoverEpoch;
    }

    @Override
    public boolean stopImmediate() {
        return n.stopImmediate;
    }

    @Override
    public String giveUpReason() {
        return n.giveUpReason;
    }

    @Override
    public int startFailures() {
        return n.starts.count(now());
    }

    @Override
    public int maxStartFailures() {
        return n.starts.max();
    }

    @Override
    public String firstStartError() {
        return n.starts.firstError();
    }

    @Override
    public boolean grantValid(long marginMs) {
        return n.auth.grantValid(now(), marginMs);
    }

    @Override
    public long permittedUntil() {
        return n.auth.permittedUntil();
    }

    @Override
    public long pendingLeaseEpoch() {
        return n.pendingLeaseEpoch;
    }

    @Override
    public long watchdogDeadline() {
        return n.watchdogDeadline;
    }

    @Override
    public long peerLastHeardAtMs() {
        return n.peer.lastHeardAtMs();
    }

    @Override
    public long peerSilentMs() {
        return n.peer.silentMs();
    }

    @Override
    public long nextHeartbeatAtMs() {
        return n.nextHeartbeatAtMs;
    }

    @Override
    public long seq() {
        return n.seq;
    }

    @Override
    public boolean swapRequested() {
        return n.swapRequested;
    }

    @Override
    public boolean swapWithoutSync() {
        return n.swapWithoutSync;
    }

    @Override
    public long swapRequestedAtMs() {
        return n.swapRequestedAtMs;
    }

    @Override
    public int recentFailovers() {
        return n.flaps.recent(now());
    }

    @Override
    public long latestFailoverEpoch() {
        return n.flaps.latestEpoch(now());
    }
}
