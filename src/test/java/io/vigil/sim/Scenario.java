package io.vigil.sim;

import io.vigil.core.Colour;
import io.vigil.core.Command;
import io.vigil.core.CoreConfig;
import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.NodeState;
import io.vigil.core.NodeStatus;
import io.vigil.core.ServicesPhase;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny DSL over {@link SimWorld} for scenario tests that read like sentences:
 *
 * <pre>{@code
 * Scenario s = Scenario.withWitness().bootBoth().within(10_000).expect(1, PRIM).expect(2, SECOND);
 * s.partition(1, 2).tick(5_000).expect(1, ALONE).expect(2, WAIT);
 * }</pre>
 *
 * <p>Everything is deterministic: a fixed seed and a fixed 5 ms network delay. The world's
 * invariants (never two nodes running the services with a witness, no acknowledged write lost,
 * services only in PRIM/ALONE) are still checked after every simulated action.
 *
 * <p>{@code within(ms)} turns the following {@code expect}s into waits: each runs simulated
 * time until its condition holds or the deadline passes. Any action (tick, crash, command...)
 * ends the waiting window; without one, an {@code expect} checks the present moment.
 */
public final class Scenario {
    /** A fixed seed: scenarios must replay exactly. Any value works. */
    static final long SEED = 0x5CE7A210L;
    private static final long STEP_MS = 10;

    /** One effect, with the node that emitted it and when (simulated global time). */
    public record Recorded(int node, long atMs, Effect effect) { }

    /** The truth about a node's services changed (what really ran, whatever the core believed). */
    public record ServicesChange(long atMs, int node, ServicesPhase from, ServicesPhase to) { }

    /** The answer to an operator command. */
    public final class Answer {
        private final Effect.Reply reply;
        private final String what;

        Answer(Effect.Reply reply, String what) {
            this.reply = reply;
            this.what = what;
        }

        public Effect.Reply reply() {
            return reply;
        }

        public String message() {
            return reply == null ? null : reply.message();
        }

        public Answer expectAccepted() {
            if (reply == null || !reply.accepted()) {
                throw failure(what + " should have been accepted, but " + (reply == null ? "got no reply"
                        : "was refused: " + reply.message()));
            }
            return this;
        }

        /** Refused, with a message containing every fragment (case-insensitive). */
        public Answer expectRefused(String... fragments) {
            if (reply == null || reply.accepted()) {
                throw failure(what + " should have been refused, but " + (reply == null ? "got no reply"
                        : "was accepted: " + reply.message()));
            }
            for (String f : fragments) {
                if (!reply.message().toLowerCase().contains(f.toLowerCase())) {
                    throw failure(what + " was refused with \"" + reply.message() + "\", which does not mention \""
                            + f + "\"");
                }
            }
            return this;
        }

        public Scenario then() {
            return Scenario.this;
        }
    }

    private final boolean witness;
    private long seed = SEED;
    private int flapMax = 1000;
    private long serviceFailoverDelayMs = 30_000;
    private CoreConfig.RestartPolicy restart = new CoreConfig.RestartPolicy(3, 300_000);
    private SimWorld world;
    private long deadline = -1;
    private final List<Recorded> effects = new ArrayList<>();
    private final List<ServicesChange> timeline = new ArrayList<>();
    private final ServicesPhase[] lastTruth = {null, ServicesPhase.IDLE, ServicesPhase.IDLE};

    private Scenario(boolean witness) {
        this.witness = witness;
    }

    public static Scenario withWitness() {
        return new Scenario(true);
    }

    /** No tie-breaker: a cut link runs the services twice (SPEC §4); the invariants allow that only while split. */
    public static Scenario withoutWitness() {
        return new Scenario(false);
    }

    // ---------------------------------------------------------------- settings (before the first boot)

    public Scenario seed(long value) {
        settable();
        seed = value;
        return this;
    }

    /** Automatic failovers allowed in the flapping window (SPEC §2; default here: effectively unlimited). */
    public Scenario flapMax(int max) {
        settable();
        flapMax = max;
        return this;
    }

    public Scenario serviceFailoverDelay(long ms) {
        settable();
        serviceFailoverDelayMs = ms;
        return this;
    }

    public Scenario localRestarts(int max, long windowMs) {
        settable();
        restart = new CoreConfig.RestartPolicy(max, windowMs);
        return this;
    }

    private void settable() {
        if (world != null) {
            throw new IllegalStateException("settings must come before the first boot");
        }
    }

    /** The simulated world, created with the settings at the first use. */
    public SimWorld world() {
        if (world == null) {
            SimWorld.Options o = SimWorld.Options.defaults(witness);
            world = new SimWorld(seed, new SimWorld.Options(witness, o.heartbeatMs(), o.timeoutMs(), o.maxStartMs(),
                    o.maxStopMs(), flapMax, serviceFailoverDelayMs, restart));
            world.net.minDelayMs = 5;
            world.net.maxDelayMs = 5;
            world.effectObserver = (id, e) -> effects.add(new Recorded(id, world.now(), e));
            world.extraInvariant = w -> recordServices();
        }
        return world;
    }

    /** From now on node {@code n}'s services fail to start with {@code error} (null: they start again). */
    public Scenario failStarts(int n, String error) {
        world().startError[n] = error;
        return this;
    }

    /** Invariant checked after every step: no node tries to start the services more often in any minute. */
    public Scenario maxStartsPerMinute(int bound) {
        world().maxStartsPerMinute = bound;
        return this;
    }

    /** How often node {@code n} was told to start the services so far. */
    public int startAttempts(int n) {
        return world().startAttempts.get(n).size();
    }

    // ---------------------------------------------------------------- nodes

    public Scenario bootBoth() {
        return boot(1).boot(2);
    }

    public Scenario boot(int n) {
        act();
        world().boot(n);
        return this;
    }

    /** kill -9 of every process on the node, or its power lost: the services die with it. */
    public Scenario crash(int n) {
        act();
        world().crash(n);
        recordServices();
        return this;
    }

    /** The node comes back after a crash (its daemon boots with what it persisted). */
    public Scenario restart(int n) {
        act();
        if (!world().nodes[n].crashed) {
            throw new IllegalStateException("node" + n + " was not crashed; use command(n, new Command.Restart())");
        }
        world().boot(n);
        return this;
    }

    /** The whole node freezes (GC, VM snapshot); its watchdog keeps running. */
    public Scenario pause(int n) {
        act();
        world().pause(n);
        return this;
    }

    public Scenario resume(int n) {
        act();
        world().resume(n);
        return this;
    }

    // ---------------------------------------------------------------- network

    public Scenario partition(int a, int b) {
        act();
        world().trace("PARTITION node" + a + "<->node" + b);
        world().net.cutBoth(a, b);
        return this;
    }

    public Scenario heal(int a, int b) {
        act();
        world().trace("HEAL node" + a + "<->node" + b);
        world().net.restore(a, b);
        return this;
    }

    public Scenario healAll() {
        act();
        world().trace("HEAL everything");
        world().net.heal();
        world().datagrams.heal();
        return this;
    }

    public Scenario isolateFromWitness(int n) {
        act();
        world().trace("ISOLATE node" + n + " from the witness");
        world().net.cutBoth(n, SimNetwork.WITNESS);
        return this;
    }

    public Scenario reconnectToWitness(int n) {
        act();
        world().net.restore(n, SimNetwork.WITNESS);
        return this;
    }

    /** The node loses both its peer and the witness. */
    public Scenario isolate(int n) {
        return partition(n, 3 - n).isolateFromWitness(n);
    }

    /** The witness host (or both nodes' links to it) goes down. */
    public Scenario witnessDown() {
        return isolateFromWitness(1).isolateFromWitness(2);
    }

    public Scenario witnessUp() {
        return reconnectToWitness(1).reconnectToWitness(2);
    }

    /** The replication stream to {@code n} breaks while heartbeats still pass. */
    public Scenario stallReplicationTo(int n) {
        act();
        world().nodes[n].replicationStalled = true;
        return this;
    }

    public Scenario resumeReplicationTo(int n) {
        act();
        world().nodes[n].replicationStalled = false;
        return this;
    }

    /** The operator accepts losing unreplicated writes (swap --without-sync, force start): stop checking them. */
    public Scenario acceptDataLoss() {
        world().checkData = false;
        return this;
    }

    // ---------------------------------------------------------------- inputs

    /** A checker reports {@code resource} unavailable on node {@code n}. */
    public Scenario failResource(int n, String resource) {
        return inject(n, new Event.ResourceFailed(resource, "checker: " + resource + " not answering"));
    }

    public Scenario recoverResource(int n, String resource) {
        return inject(n, new Event.ResourceRecovered(resource));
    }

    public Scenario inject(int n, Event event) {
        act();
        world().inject(n, event);
        return this;
    }

    public Answer command(int n, Command command) {
        act();
        return new Answer(world().command(n, command), "'" + command.describe() + "' on node" + n);
    }

    // ---------------------------------------------------------------- time

    public Scenario tick(long ms) {
        act();
        world().runFor(ms);
        return this;
    }

    /** The following expectations may take up to {@code ms} of simulated time to come true. */
    public Scenario within(long ms) {
        deadline = world().now() + ms;
        return this;
    }

    private void act() {
        deadline = -1;
    }

    /** Runs simulated time until node {@code n} is in {@code state}; fails with both nodes' reasons. */
    public Scenario awaitState(int n, NodeState state, long withinMs) {
        long until = world().now() + withinMs;
        while (state(n) != state) {
            if (world().now() >= until) {
                throw failure("node" + n + " did not reach " + state + " within " + withinMs + " ms");
            }
            world().runFor(STEP_MS);
        }
        return this;
    }

    private void await(java.util.function.BooleanSupplier ok, String what) {
        while (!ok.getAsBoolean()) {
            if (deadline < 0 || world().now() >= deadline) {
                throw failure(what);
            }
            world().runFor(Math.min(STEP_MS, deadline - world().now()));
        }
    }

    // ---------------------------------------------------------------- expectations

    public Scenario expect(int n, NodeState state) {
        await(() -> state(n) == state, "expected node" + n + " " + state);
        return this;
    }

    public Scenario expectColour(int n, Colour colour) {
        await(() -> world().state(n) != null && world().status(n).colour() == colour,
                "expected node" + n + " to show " + colour);
        return this;
    }

    /** The node's status reason mentions {@code fragment} (case-insensitive). */
    public Scenario expectReason(int n, String fragment) {
        await(() -> world().state(n) != null && reason(n).toLowerCase().contains(fragment.toLowerCase()),
                "expected node" + n + "'s reason to mention \"" + fragment + "\"");
        return this;
    }

    /** Really no services on {@code n} (whatever its core believes), and its core agrees. */
    public Scenario expectNoServicesOn(int n) {
        await(() -> world().servicesTruth(n) == ServicesPhase.IDLE
                        && (world().state(n) == null || world().nodes[n].core.services() == ServicesPhase.IDLE),
                "expected no services on node" + n);
        return this;
    }

    public Scenario expectServicesRunningOn(int n) {
        await(() -> world().servicesTruth(n) == ServicesPhase.RUNNING, "expected the services running on node" + n);
        return this;
    }

    /** One node PRIM and the other SECOND, whichever (e.g. when both held equal data). */
    public Scenario expectPrimAndSecond() {
        await(() -> (state(1) == NodeState.PRIM && state(2) == NodeState.SECOND)
                || (state(1) == NodeState.SECOND && state(2) == NodeState.PRIM), "expected PRIM + SECOND");
        return this;
    }

    /** Node {@code n} (a SECOND) holds every acknowledged write and knows it: it may be promoted without loss. */
    public Scenario expectUpToDate(int n) {
        await(() -> world().state(n) != null && world().status(n).sync() == io.vigil.core.SyncStatus.UPTODATE
                && world().status(n).dataEpoch() == world().status(n).epoch(), "expected node" + n + " up to date");
        return this;
    }

    public Scenario expectAlarm(int n, String code) {
        await(() -> !alarms(n, code).isEmpty(), "expected an alarm " + code + " on node" + n);
        return this;
    }

    public Scenario expectNoAlarm(int n, String code) {
        if (!alarms(n, code).isEmpty()) {
            throw failure("unexpected alarm on node" + n + ": " + alarms(n, code).get(0).message());
        }
        return this;
    }

    // ---------------------------------------------------------------- views

    /** What really runs on node {@code n}, whatever its core believes. */
    public ServicesPhase servicesTruth(int n) {
        return world().servicesTruth(n);
    }

    public NodeState state(int n) {
        return world().state(n);
    }

    public NodeStatus status(int n) {
        return world().status(n);
    }

    public String reason(int n) {
        return world().state(n) == null ? "crashed" : world().status(n).reason();
    }

    public long now() {
        return world().now();
    }

    /** A position in the effect record, to look only at what happens after it. */
    public int mark() {
        return effects.size();
    }

    public <T extends Effect> List<T> effects(int n, Class<T> type) {
        return effectsSince(0, n, type);
    }

    public <T extends Effect> List<T> effectsSince(int mark, int n, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Recorded r : effects.subList(mark, effects.size())) {
            if (r.node() == n && type.isInstance(r.effect())) {
                found.add(type.cast(r.effect()));
            }
        }
        return found;
    }

    public List<Recorded> recorded() {
        return List.copyOf(effects);
    }

    public List<Effect.Alarm> alarms(int n, String code) {
        return effects(n, Effect.Alarm.class).stream().filter(a -> a.code().equals(code)).toList();
    }

    public List<Effect.FailoverPerformed> failovers(int n) {
        return effects(n, Effect.FailoverPerformed.class);
    }

    /** Global time at which node {@code n} last entered {@code state}, or -1. */
    public long enteredAt(int n, NodeState state) {
        long at = -1;
        for (Recorded r : effects) {
            if (r.node() == n && r.effect() instanceof Effect.StateChanged c && c.to() == state) {
                at = r.atMs();
            }
        }
        return at;
    }

    /** Every change of what really ran on either node, in order. */
    public List<ServicesChange> servicesTimeline() {
        recordServices();
        return List.copyOf(timeline);
    }

    /** First time at or after {@code fromMs} that node {@code n}'s services really became {@code phase}, or -1. */
    public long firstServices(int n, ServicesPhase phase, long fromMs) {
        for (ServicesChange c : servicesTimeline()) {
            if (c.node() == n && c.to() == phase && c.atMs() >= fromMs) {
                return c.atMs();
            }
        }
        return -1;
    }

    public int acknowledgedWrites() {
        return world().acknowledgedWrites();
    }

    private void recordServices() {
        for (int id = 1; id <= 2; id++) {
            ServicesPhase now = world.servicesTruth(id);
            if (now != lastTruth[id]) {
                timeline.add(new ServicesChange(world.now(), id, lastTruth[id], now));
                lastTruth[id] = now;
            }
        }
    }

    /** Both nodes' state and reason, and the end of the trace, for failure messages. */
    public String describe() {
        StringBuilder b = new StringBuilder("t=").append(world().now()).append("ms");
        for (int id = 1; id <= 2; id++) {
            b.append("\n  node").append(id).append(' ');
            if (world().state(id) == null) {
                b.append(world().nodes[id].crashed ? "crashed" : "not booted");
            } else {
                NodeStatus s = world().status(id);
                b.append(s.state()).append(' ').append(s.colour()).append(" (").append(s.reason()).append(")")
                        .append(" services=").append(s.services()).append(" truth=").append(world().servicesTruth(id))
                        .append(" epoch=").append(s.epoch()).append(" dataEpoch=").append(s.dataEpoch())
                        .append(" sync=").append(s.sync().label())
                        .append(world().nodes[id].paused ? " PAUSED" : "");
            }
        }
        List<String> trace = world().traceLines();
        b.append("\nrecent trace:\n").append(String.join("\n", trace.subList(Math.max(0, trace.size() - 60), trace.size())));
        return b.toString();
    }

    AssertionError failure(String what) {
        return new AssertionError(what + "\n" + describe());
    }
}
