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
 * Takeover, Runner and Commands are functions of a read-only {@link NodeView}: they return a
 * {@link Decision} and only {@link Node} applies it.
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
        for (String file : List.of("Takeover.java", "Runner.java", "Commands.java", "Joiner.java")) {
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
