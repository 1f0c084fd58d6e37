package io.vigil.sim;

import io.vigil.core.Command;
import io.vigil.core.CoreConfig;
import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.heartbeat.HeartbeatCodec;
import io.vigil.core.Node;
import io.vigil.core.NodeState;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Two nodes, a witness, a network and a client, in simulated time. Everything random comes
 * from one seed, so a run replays exactly. Invariants are checked after every action; a
 * violation throws {@link InvariantViolation} carrying the seed and the recent log.
 */
public final class SimWorld {

    /**
     * Knobs of one simulated world. {@code serviceFailoverDelayMs} and {@code restart} are the
     * core's SPEC §2 trigger (b) settings; scenarios shorten them.
     */
    public record Options(boolean witness, long heartbeatMs, long timeoutMs, long maxStartMs, long maxStopMs,
                          int flapMax, long serviceFailoverDelayMs, CoreConfig.RestartPolicy restart) {
        public Options(boolean witness, long heartbeatMs, long timeoutMs, long maxStartMs, long maxStopMs,
                       int flapMax) {
            this(witness, heartbeatMs, timeoutMs, maxStartMs, maxStopMs, flapMax, 30_000,
                    new CoreConfig.RestartPolicy(3, 300_000));
        }

        public static Options defaults(boolean witness) {
            return new Options(witness, 1000, 3000, 600, 800, 1000);
        }
    }

    private record Scheduled(long at, long order, Runnable action) { }

    final long seed;
    final Options options;
    final SplittableRandom random;
    final SimNetwork net;
    final SimWitness witness;
    final SimNode[] nodes = new SimNode[3];
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long order;
    long now;
    /** The recent trace, formatted only when a run fails: most runs never read it. */
    private final Deque<TraceLine> trace = new ArrayDeque<>();

    private record TraceLine(long at, String line) {
        @Override
        public String toString() {
            return String.format("%8d %s", at, line);
        }
    }
    final List<Effect> effects = new ArrayList<>();
    final List<Effect.Reply> replies = new ArrayList<>();
    final BitSet acked = new BitSet();
    int nextWrite;
    long bothRunningSince = -1;
    long cleanSince;
    boolean checkData;
    Consumer<SimWorld> extraInvariant = w -> { };
    /** Per node: the error its services' start fails with, or null when starts succeed. */
    final String[] startError = new String[3];
    /** Per node: when it was told to start the services (StartServices effects). */
    final List<List<Long>> startAttempts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    /** Invariant: no node tries to start the services more often than this in any minute. */
    int maxStartsPerMinute = Integer.MAX_VALUE;
    /** Sees every effect a node's core emits, before the simulator carries it out (scenario tests). */
    BiConsumer<Integer, Effect> effectObserver = (id, e) -> { };
    /** The cluster's heartbeat codec: both nodes sign and check with the same key, as in production. */
    final HeartbeatCodec codec;
    /** How each incarnation's real ReplayGuard is used; a test may wrap it in a broken one. */
    SimHost.AdmissionWrapper admission = guard -> guard::admit;
    /** Wraps each incarnation's real EffectRunner; a test may break it on purpose. */
    UnaryOperator<Consumer<Effect>> effectSinkWrapper = runner -> runner;
    /** Faults of the heartbeat datagrams, as bytes (set by the nemesis, healed with the network). */
    final DatagramFaults datagrams;

    public SimWorld(long seed, Options options) {
        this.seed = seed;
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.net = new SimNetwork(random);
        byte[] key = new byte[32];
        new SplittableRandom(~seed).nextBytes(key); // its own stream: the schedule's draws stay as they were
        this.codec = new HeartbeatCodec("sim-cluster", key);
        this.datagrams = new DatagramFaults(random);
        datagrams.spareFreshlyStarted = !options.witness; // see DatagramFaults#spareFreshlyStarted
        this.witness = options.witness ? new SimWitness(options.timeoutMs) : null;
        this.checkData = options.witness;
        for (int id = 1; id <= 2; id++) {
            CoreConfig cfg = CoreConfig.defaults(id, options.witness).withTimings(options.heartbeatMs, options.timeoutMs);
            cfg = new CoreConfig(id, cfg.heartbeatIntervalMs(), cfg.peerTimeoutMs(), cfg.witnessConfigured(),
                    cfg.leaseMs(), cfg.fenceMarginMs(), options.serviceFailoverDelayMs(), options.restart(),
                    cfg.restartOverrides(), options.flapMax, cfg.flapWindowMs());
            nodes[id] = new SimNode(id, cfg);
        }
    }

    // ---------------------------------------------------------------- scheduling

    void at(long time, Runnable action) {
        queue.add(new Scheduled(Math.max(time, now), order++, action));
    }

    /** Runs every scheduled action up to {@code until}, checking invariants after each. */
    public void runUntil(long until) {
        while (!queue.isEmpty() && queue.peek().at <= until) {
            Scheduled s = queue.poll();
            now = s.at;
            s.action.run();
            checkInvariants();
        }
        now = Math.max(now, until);
    }

    public void runFor(long ms) {
        runUntil(now + ms);
    }

    // ---------------------------------------------------------------- node lifecycle

    public void boot(int id) {
        SimNode n = nodes[id];
        n.crashed = false;
        n.paused = false;
        n.pausedInbox.clear();
        n.clockBase = now;
        n.clockOffset = random.nextLong(1_000_000_000L);
        n.drift = (random.nextDouble() - 0.5) * 0.01;
        // Like IncarnationStore: every start draws a number above all earlier ones of this node.
        n.incarnation += 1 + random.nextLong(1_000_000);
        n.core = new Node(n.config, () -> n.localNow(now), n.incarnation);
        n.host = new SimHost(this, n, n.core);
        deliver(n, new Event.Boot(n.disk));
        scheduleTick(n, n.host);
        scheduleStreaming();
    }

    private boolean streaming;

    private void scheduleStreaming() {
        if (!streaming) {
            streaming = true;
            streamTick();
            clientTick();
        }
    }

    private void scheduleTick(SimNode n, SimHost host) {
        at(now + 40 + random.nextLong(21), () -> {
            if (n.host != host || n.crashed) {
                return; // an older incarnation's timer
            }
            if (!n.paused) {
                deliver(n, new Event.Tick());
            }
            scheduleTick(n, host);
        });
    }

    /** kill -9 of every process on the node, or power loss: services die with it. */
    public void crash(int id) {
        SimNode n = nodes[id];
        if (n.crashed) {
            return;
        }
        trace("node" + id + " CRASH");
        n.crashed = true;
        n.paused = false;
        n.core = null;
        n.host = null;
        n.pausedInbox.clear();
        n.truth = ServicesPhase.IDLE;
        n.servicesToken++;
        n.role = Effect.ReplicationRole.Role.NONE;
        n.synchronous = false;
        n.watchdogDeadlineGlobal = -1;
        n.reportedSync = null;
    }

    public void pause(int id) {
        SimNode n = nodes[id];
        if (n.alive()) {
            trace("node" + id + " PAUSE");
            n.paused = true;
        }
    }

    public void resume(int id) {
        SimNode n = nodes[id];
        if (n.crashed || !n.paused) {
            return;
        }
        trace("node" + id + " RESUME");
        n.paused = false;
        // Like a real SIGCONT: the overdue timer fires first, before the queued messages are read.
        deliver(n, new Event.Tick());
        while (!n.pausedInbox.isEmpty() && n.alive()) {
            n.pausedInbox.poll().run();
        }
    }

    public Effect.Reply command(int id, Command command) {
        int before = replies.size();
        deliver(nodes[id], new Event.OperatorCommand(order++, command, "sim-operator")); // runs at once unless paused
        return replies.size() > before ? replies.get(replies.size() - 1) : null;
    }

    // ---------------------------------------------------------------- event delivery

    /** Hands {@code e} to the node's event loop, which runs it (and what it causes) now. */
    void deliver(SimNode n, Event e) {
        if (n.crashed || n.host == null) {
            return;
        }
        n.host.enqueue(e);
    }

    /** Delivers an arbitrary event to node {@code id} now (e.g. a checker's ResourceFailed). */
    void inject(int id, Event e) {
        deliver(nodes[id], e);
    }

    /** Every effect, as the event loop hands it to the production EffectRunner. */
    void observe(SimNode n, Effect effect) {
        effectObserver.accept(n.id, effect);
        effects.add(effect);
        if (effects.size() > 4096) {
            effects.subList(0, 2048).clear();
        }
        if (effect instanceof Effect.StartServices) {
            startAttempts.get(n.id).add(now);
        }
    }

    /** One signed heartbeat datagram from {@code from}'s socket: lost, delayed, duplicated or damaged. */
    int sendDatagram(SimNode from, byte[] packet) {
        SimNode to = nodes[3 - from.id];
        datagrams.record(from.id, packet);
        int copies = net.copies(from.id, to.id);
        for (int i = 0; i < copies; i++) {
            byte[] bytes = datagrams.damage(packet);
            if (bytes != packet) {
                trace("DAMAGE datagram node" + from.id + "->node" + to.id + " (" + bytes.length + " bytes)");
            }
            at(now + net.delay(), () -> arrive(to, bytes));
        }
        replayOne();
        return 1;
    }

    /**
     * Someone on the network plays back an earlier datagram of either node to the other, whether
     * or not the link carries the peer now, and even when its sender has died since.
     */
    private void replayOne() {
        int sender = datagrams.replaySender();
        byte[] old = sender == 0 ? null : datagrams.replay(sender);
        if (old == null) {
            return;
        }
        SimNode to = nodes[3 - sender];
        if (datagrams.spareFreshlyStarted && (to.host == null || !to.host.heardPeer)) {
            return; // the known limit of DatagramFaults#spareFreshlyStarted
        }
        trace("REPLAY an old datagram node" + sender + "->node" + to.id);
        at(now + net.delay(), () -> arrive(to, old));
    }

    /** Someone plays {@code packet} (a recording) to node {@code to} now. */
    void injectDatagram(int to, byte[] packet) {
        trace("REPLAY a recorded datagram to node" + to);
        arrive(nodes[to], packet);
    }

    /** Liveness after a crash: node {@code id} runs the services within {@code limitMs}, or the run fails. */
    void awaitServicesOn(int id, long limitMs) {
        long deadline = now + limitMs;
        while (now < deadline) {
            runFor(100);
            if (nodes[id].truth == ServicesPhase.RUNNING) {
                return;
            }
        }
        fail("node" + id + " does not run the services " + limitMs + " ms after its peer died: node" + id
                + " " + state(id) + " (" + status(id).reason() + ")");
    }

    private void arrive(SimNode to, byte[] bytes) {
        if (to.host != null && !to.crashed) {
            to.host.datagram(bytes);
        }
    }

    // ---------------------------------------------------------------- replication and client

    /** Streaming replication: a following standby copies the primary's log while the link is up. */
    private void streamTick() {
        for (int id = 1; id <= 2; id++) {
            SimNode s = nodes[id];
            SimNode p = nodes[3 - id];
            if (!s.alive() || s.role != Effect.ReplicationRole.Role.STANDBY) {
                continue;
            }
            boolean connected = !p.crashed && p.role == Effect.ReplicationRole.Role.PRIMARY
                    && net.isUp(p.id, s.id) && net.isUp(s.id, p.id) && !p.paused && !s.replicationStalled;
            SyncStatus status;
            if (connected) {
                s.log = (BitSet) p.log.clone(); // pg_rewind + streaming, modelled as a copy
                status = p.synchronous ? SyncStatus.UPTODATE : SyncStatus.NOT_UPTODATE;
            } else {
                status = SyncStatus.CONNECTION_ERROR;
            }
            if (status != s.reportedSync) {
                s.reportedSync = status;
                deliver(s, new Event.SyncReported(status));
            }
        }
        at(now + 50, this::streamTick);
    }

    /** The client writes numbered records to whichever node serves; an ack is a promise. */
    private void clientTick() {
        for (int id = 1; id <= 2; id++) {
            SimNode n = nodes[id];
            if (!n.alive() || n.truth != ServicesPhase.RUNNING || n.role != Effect.ReplicationRole.Role.PRIMARY) {
                continue;
            }
            int w = nextWrite++;
            if (n.synchronous) {
                SimNode s = nodes[3 - id];
                boolean reachable = s.alive() && s.role == Effect.ReplicationRole.Role.STANDBY
                        && net.isUp(n.id, s.id) && net.isUp(s.id, n.id) && !s.replicationStalled;
                if (!reachable) {
                    continue; // the commit waits for the standby: not acknowledged
                }
                n.log.set(w);
                s.log = (BitSet) n.log.clone();
            } else {
                n.log.set(w);
            }
            acked.set(w);
        }
        at(now + 100, this::clientTick);
    }

    void checkRunnerData(SimNode n) {
        if (!checkData) {
            return;
        }
        BitSet missing = (BitSet) acked.clone();
        missing.andNot(n.log);
        if (!missing.isEmpty()) {
            fail("acknowledged writes lost: node" + n.id + " runs the services without " + missing.cardinality()
                    + " acknowledged write(s), first " + missing.nextSetBit(0));
        }
    }

    // ---------------------------------------------------------------- invariants

    private void checkInvariants() {
        SimNode a = nodes[1];
        SimNode b = nodes[2];
        boolean both = a.truth != ServicesPhase.IDLE && b.truth != ServicesPhase.IDLE;
        if (both && options.witness) {
            fail("both nodes run the services (node1 " + a.truth + ", node2 " + b.truth + ")");
        }
        // Damaged datagrams are lost datagrams to the receiver: the link is not clean while they are.
        boolean clean = a.alive() && b.alive() && net.clean(1, 2) && !datagrams.damaging();
        if (!clean) {
            cleanSince = -1;
        } else if (cleanSince < 0) {
            cleanSince = now;
        }
        long grace = options.timeoutMs + 3 * options.heartbeatMs + options.maxStopMs + options.maxStartMs + 200;
        if (both && cleanSince >= 0 && now - cleanSince > grace) {
            fail("both nodes run the services although they have heard each other for " + (now - cleanSince) + " ms");
        }
        for (int id = 1; id <= 2; id++) {
            SimNode n = nodes[id];
            if (n.alive() && n.core.services() == ServicesPhase.RUNNING && !n.core.state().runsServices()) {
                fail("node" + id + " runs the services in state " + n.core.state());
            }
            if (n.alive() && n.truth == ServicesPhase.RUNNING && n.role == Effect.ReplicationRole.Role.PRIMARY) {
                checkRunnerData(n);
            }
        }
        // Counting costs a pass over every start after every action: only when a scenario set a bound.
        for (int id = 1; id <= 2 && maxStartsPerMinute < Integer.MAX_VALUE; id++) {
            List<Long> starts = startAttempts.get(id);
            long recent = starts.stream().filter(t -> now - t < 60_000).count();
            if (recent > maxStartsPerMinute) {
                fail("node" + id + " tried to start the services " + recent + " times within a minute (bound "
                        + maxStartsPerMinute + ")");
            }
        }
        extraInvariant.accept(this);
    }

    /** The flags that make SimulationTest#replay build this world's options. */
    private String replayFlags() {
        String flags = options.witness() ? "" : " -Dsim.witness=false";
        return options.heartbeatMs() == 200 ? flags + " -Dsim.fast=true" : flags;
    }

    void fail(String message) {
        throw new InvariantViolation(seed, now, message, traceLines(), replayFlags());
    }

    void fail(String message, Throwable cause) {
        InvariantViolation v = new InvariantViolation(seed, now, message, traceLines(), replayFlags());
        v.initCause(cause);
        throw v;
    }

    List<String> traceLines() {
        return trace.stream().map(TraceLine::toString).toList();
    }

    void trace(String line) {
        trace.addLast(new TraceLine(now, line));
        if (trace.size() > 3000) {
            trace.removeFirst();
        }
    }

    // ---------------------------------------------------------------- views for tests

    public NodeState state(int id) {
        SimNode n = nodes[id];
        return n.crashed || n.core == null ? null : n.core.state();
    }

    public io.vigil.core.NodeStatus status(int id) {
        return nodes[id].core.status();
    }

    public ServicesPhase servicesTruth(int id) {
        return nodes[id].truth;
    }

    /** Datagrams the running daemon of node {@code id} rejected, per reason (its codec and guard). */
    public java.util.Map<io.vigil.heartbeat.HeartbeatRejected.Reason, Long> rejected(int id) {
        return nodes[id].host.transport.rejectedCounts();
    }

    public long now() {
        return now;
    }

    public int acknowledgedWrites() {
        return acked.cardinality();
    }

    public List<Effect> effects() {
        return effects;
    }

    public String recentTrace() {
        return String.join("\n", traceLines());
    }
}
