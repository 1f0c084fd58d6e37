package io.vigil.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Takeover, Runner, Commands, Joiner, Lifecycle, Fencing and Heartbeats are functions of a
 * read-only {@link NodeView}: they return a {@link Decision} and only {@link Node} applies it.
 */
class DecisionTest {
    private static final Path CORE = Path.of("src/main/java/io/vigil/core");
    /** An assignment to a field of {@code n} (the node, or its view, in the scanned classes). */
    private static final Pattern WRITE = Pattern.compile("\\bn\\.\\w+\\s*(=(?!=)|\\+\\+|--|\\+=|-=)");
    private long now = 10_000;

    @Test
    void theDecisionFunctionsNeitherHoldANodeNorWriteOne() throws IOException {
        Pattern node = Pattern.compile("\\bNode\\b(?!\\.AfterStop)");
        StringBuilder found = new StringBuilder();
        for (String file : List.of("Takeover.java", "Runner.java", "Commands.java", "Joiner.java", "Lifecycle.java",
                "Fencing.java", "Heartbeats.java", "Compound.java")) {
            String[] lines = Files.readString(CORE.resolve(file), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                Matcher w = WRITE.matcher(lines[i]);
                Matcher h = node.matcher(lines[i].replaceAll("\\{@link [^}]*}|//.*", ""));
                if (w.find() || h.find() && !lines[i].trim().startsWith("*")) {
                    found.append(file).append(':').append(i + 1).append(": ").append(lines[i].trim()).append('\n');
                }
            }
        }
        assertThat(found.toString()).as("a decision function writes the node or holds it").isEmpty();
    }

    @Test
    void theClassesThatReadANodeNeverWriteIt() throws IOException {
        StringBuilder found = new StringBuilder();
        for (String file : List.of("LiveView.java", "StatusReport.java")) {
            String[] lines = Files.readString(CORE.resolve(file), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (WRITE.matcher(lines[i]).find()) {
                    found.append(file).append(':').append(i + 1).append(": ").append(lines[i].trim()).append('\n');
                }
            }
        }
        assertThat(found.toString()).as("a reader of Node writes its fields").isEmpty();
    }

    /** Wider than the scans above: any core file, any receiver, any of Node's own field names. */
    @Test
    void noClassButNodeAssignsAFieldOfNode() throws IOException {
        StringBuilder names = new StringBuilder();
        for (java.lang.reflect.Field f : Node.class.getDeclaredFields()) {
            if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                names.append(names.length() == 0 ? "" : "|").append(f.getName());
            }
        }
        // A class's own field of the same name ("this.forced = ...") is not Node's.
        Pattern write = Pattern.compile("\\b(?!this\\b)\\w+\\s*\\.\\s*(" + names + ")\\s*(=(?!=)|\\+\\+|--|\\+=|-=)");
        StringBuilder found = new StringBuilder();
        try (var files = Files.list(CORE)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("Node.java")).toList()) {
                String[] lines = Files.readString(f, StandardCharsets.UTF_8).split("\n");
                for (int i = 0; i < lines.length; i++) {
                    if (write.matcher(lines[i]).find()) {
                        found.append(f.getFileName()).append(':').append(i + 1).append(": ").append(lines[i].trim())
                                .append('\n');
                    }
                }
            }
        }
        assertThat(names.toString()).contains("epoch", "services", "afterStop", "grantedEpoch");
        assertThat(found.toString()).as("a field of Node assigned outside Node").isEmpty();
    }

    @Test
    void aFailedStartThatUsesUpTheAttemptsIsDecidedAsGivingUpBeforeTheGuardCountsIt() {
        Node n = starting(1);
        Decision d = Lifecycle.started(n.view, false, "disk full");
        assertThat(d.next()).isEqualTo(Mode.STOPPING);
        assertThat(d.reason()).isEqualTo(Reason.START_BLOCKED);
        assertThat(d.effects()).filteredOn(Effect.Alarm.class::isInstance).map(e -> ((Effect.Alarm) e).message())
                .singleElement().asString().contains("failed to start 1 times on node2; first error: disk full");
        assertThat(n.mode).as("deciding changes nothing").isEqualTo(Mode.STARTING);
        assertThat(n.starts.count(now)).as("the failure is counted when the decision is applied").isZero();

        n.step(new Event.ServicesStarted(false, "disk full"));
        assertThat(n.starts.count(now)).isEqualTo(1);
        n.step(new Event.ServicesStopped("stopped"));
        assertThat(n.mode).isEqualTo(Mode.STOPPED);
        assertThat(n.status().reason()).isEqualTo("gave up after 1 failed starts: disk full; fix the cause, then run"
                + " `vigil start` on this node");
    }

    @Test
    void theServicesStoppingForARestartOfALoneNodeAreDecidedAsARestartInPlace() {
        Node n = running();
        for (int i = 0; i < 20 && n.view.peerLive() != null; i++) {
            now += 500;
            n.step(new Event.Tick());
        }
        assertThat(n.view.peerLive()).as("node1 lost").isNull();
        assertThat(n.state()).isEqualTo(NodeState.ALONE);
        long epoch = n.epoch();
        n.step(new Event.OperatorCommand(3, new Command.Restart(), "test"));
        assertThat(n.mode).isEqualTo(Mode.STOPPING);

        Decision d = Lifecycle.stopped(n.view, "stopped");
        assertThat(d.next()).isEqualTo(Mode.STARTING);
        assertThat(d.reason()).isEqualTo(Reason.OPERATOR_RESTART);
        assertThat(n.mode).isEqualTo(Mode.STOPPING);
        assertThat(n.services()).isEqualTo(ServicesPhase.STOPPING);

        List<Effect> out = n.step(new Event.ServicesStopped("stopped"));
        assertThat(out).contains(new Effect.StartServices(epoch));
        assertThat(n.mode).isEqualTo(Mode.STARTING);
    }

    @Test
    void aWatchdogKillOfRunningServicesIsDecidedAsAnUnexpectedStop() {
        Node n = running();
        Decision d = Lifecycle.watchdogFired(n.view);
        assertThat(d.next()).isEqualTo(Mode.JOINING);
        assertThat(d.reason()).isEqualTo(Reason.SERVICES_STOPPED_UNEXPECTEDLY);
        assertThat(d.effects()).filteredOn(Effect.Alarm.class::isInstance).map(e -> ((Effect.Alarm) e).code())
                .containsExactly("FENCED");
        assertThat(n.mode).isEqualTo(Mode.RUNNING);
        assertThat(n.services()).isEqualTo(ServicesPhase.RUNNING);
    }

    @Test
    void theHeartbeatOutIsDecidedWithItsGrantBeforeTheNodeRecordsTheGrant() {
        Node n = new Node(CoreConfig.defaults(2, false), () -> now, new SplittableRandom(2));
        n.step(new Event.Boot(new PersistedState(NodeState.WAIT, 1, 1, BootMode.KEEP, true)));
        n.step(new Event.Tick());
        n.step(new Event.HeartbeatReceived(new Heartbeat(1, 77, 1, n.seq, n.incarnation, NodeState.WAIT,
                ServicesPhase.IDLE, 0, 1, 1, SyncStatus.UPTODATE, 0, false, false, true, 0, 0)));
        long seq = n.seq;

        Decision d = Heartbeats.send(n.view);
        Heartbeat sent = d.effects().stream().filter(Effect.SendHeartbeat.class::isInstance)
                .map(e -> ((Effect.SendHeartbeat) e).heartbeat()).findFirst().orElseThrow();
        long grant = Epochs.next(1, 1);
        assertThat(sent.grantEpoch()).as("equal data: node1 runs").isEqualTo(grant);
        assertThat(sent.epoch()).as("the grant is also the sender's epoch").isEqualTo(grant);
        assertThat(sent.seq()).isEqualTo(seq + 1);
        assertThat(n.view.grantedEpoch()).as("deciding changes nothing").isZero();
        assertThat(n.epoch()).isEqualTo(1);
        assertThat(n.seq).isEqualTo(seq);
    }

    @Test
    void aCompoundStartIsExpandedWhenAppliedSoItStartsInTheEpochDecidedBeforeIt() {
        Node n = new Node(CoreConfig.defaults(2, false), () -> now, new SplittableRandom(2));
        n.step(new Event.Boot(null));
        Event.OperatorCommand force = new Event.OperatorCommand(4, new Command.ForceStart(), "test");
        Decision d = Commands.handle(n.view, force);
        assertThat(d.next()).isEqualTo(Mode.STARTING);
        assertThat(d.effects()).as("the start's own effects come from its expansion")
                .noneMatch(Effect.StartServices.class::isInstance);
        List<Effect> out = n.step(force);
        assertThat(out).contains(new Effect.StartServices(Epochs.next(2, 0)));
        assertThat(n.epoch()).isEqualTo(Epochs.next(2, 0));
    }

    @Test
    void aPeerLostWithFailoverOffIsDecidedWithoutTouchingTheNode() {
        Node n = standby(true);
        n.step(new Event.OperatorCommand(1, new Command.SetFailover(false), "test"));
        NodeStatus before = n.status();
        Decision d = Takeover.peerLost(n.view);
        assertThat(d.next()).isEqualTo(Mode.JOINING);
        assertThat(d.reason()).isEqualTo(Reason.PEER_LOST);
        assertThat(d.effects()).contains(new Effect.ReplicationRole(Effect.ReplicationRole.Role.NONE, false));
        assertThat(n.mode).as("deciding changes nothing").isEqualTo(Mode.STANDBY);
        assertThat(n.status()).isEqualTo(before);
    }

    @Test
    void aPeerLostWithoutAWitnessDecidesATakeover() {
        Node n = standby(false);
        Decision d = Takeover.peerLost(n.view);
        assertThat(d.next()).isEqualTo(Mode.STARTING);
        assertThat(d.reason()).isEqualTo(Reason.PEER_LOST);
        assertThat(n.mode).isEqualTo(Mode.STANDBY);
        assertThat(n.epoch()).isEqualTo(1);
    }

    @Test
    void aSwapRequestFromAnUpToDatePeerIsDecidedAsAHandOver() {
        Node n = running();
        n.step(new Event.HeartbeatReceived(new Heartbeat(1, 77, 9, n.seq, n.incarnation, NodeState.SECOND,
                ServicesPhase.IDLE, 0, n.epoch(), n.epoch(), SyncStatus.UPTODATE, n.epoch(), false, false, true, 0, 0)));
        Heartbeat swap = new Heartbeat(1, 77, 10, n.seq, n.incarnation, NodeState.SECOND, ServicesPhase.IDLE, 0,
                n.epoch(), n.epoch(), SyncStatus.UPTODATE, n.epoch(), true, false, true, 0, 0);
        assertThat(n.state()).isEqualTo(NodeState.PRIM);
        assertThat(Runner.evaluate(n.view).next()).as("nothing to decide yet").isNull();
        List<Effect> out = n.step(new Event.HeartbeatReceived(swap));
        assertThat(n.mode).isEqualTo(Mode.STOPPING);
        assertThat(out).filteredOn(Effect.Log.class::isInstance).map(e -> ((Effect.Log) e).message())
                .anyMatch(m -> m.startsWith("state=PRIM->WAIT reason=SWAP_REQUESTED"));
    }

    @Test
    void aStopCommandIsDecidedWithItsReplyBeforeAnythingChanges() {
        Node n = standby(true);
        Decision d = Commands.handle(n.view, new Event.OperatorCommand(5, new Command.Stop(), "test"));
        assertThat(d.next()).isEqualTo(Mode.STOPPED);
        assertThat(d.reason()).isEqualTo(Reason.OPERATOR_STOP);
        assertThat(d.effects()).contains(new Effect.Reply(5, true, "node2 stopped"));
        assertThat(n.mode).isEqualTo(Mode.STANDBY);
    }

    @Test
    void aRefusedCommandDecidesOnlyItsReply() {
        Node n = standby(true);
        Decision d = Commands.handle(n.view, new Event.OperatorCommand(6, new Command.ForceStart(), "test"));
        assertThat(d.next()).isNull();
        assertThat(d.effects()).filteredOn(Effect.Reply.class::isInstance)
                .containsExactly(new Effect.Reply(6, false, "cannot force start: node1 runs the services; use swap instead"));
    }

    /** Node2 following node1 at epoch 1, data up to date. */
    private Node standby(boolean witness) {
        Node n = new Node(CoreConfig.defaults(2, witness), () -> now, new SplittableRandom(2));
        n.step(new Event.Boot(new PersistedState(NodeState.SECOND, 1, 1, BootMode.KEEP, true)));
        n.step(new Event.Tick());
        n.step(new Event.HeartbeatReceived(new Heartbeat(1, 77, 1, n.seq, n.incarnation, NodeState.PRIM,
                ServicesPhase.RUNNING, 5_000, 1, 1, SyncStatus.UPTODATE, 0, false, false, true, 0, 0)));
        assertThat(n.mode).isEqualTo(Mode.STANDBY);
        return n;
    }

    /** Node2 starting the services at epoch 2, granted by node1 (no witness); at most {@code maxStartFailures}. */
    private Node starting(int maxStartFailures) {
        CoreConfig c = CoreConfig.defaults(2, false);
        Node n = new Node(new CoreConfig(c.nodeId(), c.heartbeatIntervalMs(), c.peerTimeoutMs(), c.witnessConfigured(),
                c.leaseMs(), c.fenceMarginMs(), c.serviceFailoverDelayMs(), c.restart(), c.restartOverrides(),
                c.flapMaxFailovers(), c.flapWindowMs(), maxStartFailures), () -> now, new SplittableRandom(2));
        n.step(new Event.Boot(new PersistedState(NodeState.SECOND, 1, 1, BootMode.KEEP, true)));
        n.step(new Event.Tick());
        n.step(new Event.HeartbeatReceived(new Heartbeat(1, 77, 1, n.seq, n.incarnation, NodeState.WAIT,
                ServicesPhase.IDLE, 0, 1, 1, SyncStatus.UPTODATE, 2, false, false, true, 0, 0)));
        assertThat(n.mode).isEqualTo(Mode.STARTING);
        return n;
    }

    /** Node2 running the services at epoch 2, granted by node1 (no witness, so nothing fences it). */
    private Node running() {
        Node n = new Node(CoreConfig.defaults(2, false), () -> now, new SplittableRandom(2));
        n.step(new Event.Boot(new PersistedState(NodeState.SECOND, 1, 1, BootMode.KEEP, true)));
        n.step(new Event.Tick());
        n.step(new Event.HeartbeatReceived(new Heartbeat(1, 77, 1, n.seq, n.incarnation, NodeState.WAIT,
                ServicesPhase.IDLE, 0, 1, 1, SyncStatus.UPTODATE, 2, false, false, true, 0, 0)));
        n.step(new Event.ServicesStarted(true, "ok"));
        assertThat(n.mode).isEqualTo(Mode.RUNNING);
        return n;
    }
}
