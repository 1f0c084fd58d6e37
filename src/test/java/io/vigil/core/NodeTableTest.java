package io.vigil.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table tests of one {@link Node} driven directly with a fake clock: the (state, event) pairs
 * the protocol's safety rests on, and the operator's refusals.
 */
class NodeTableTest {
    private long now = 1_000;

    @Test
    void aNodeWhosePeerWithdrawsItsGrantFencesWhenItHasNoLease() {
        Node n = booted(1, new PersistedState(NodeState.PRIM, 3, 3, BootMode.KEEP, true));
        n.step(new Event.Tick());
        n.step(new Event.HeartbeatReceived(from(n, NodeState.WAIT, ServicesPhase.IDLE, 2, 2, 5, true)));
        assertThat(n.services()).isEqualTo(ServicesPhase.STARTING);
        List<Effect> out = n.step(new Event.HeartbeatReceived(from(n, NodeState.WAIT, ServicesPhase.IDLE, 9, 9, 0, true)));
        assertThat(of(out, Effect.StopServices.class)).singleElement()
                .satisfies(s -> assertThat(s.immediate()).as("fencing kills").isTrue());
        assertThat(of(out, Effect.Alarm.class)).extracting(Effect.Alarm::code).contains("FENCED");
    }

    private Node node(int id) {
        return new Node(CoreConfig.defaults(id, true), () -> now, new SplittableRandom(id));
    }

    private Node booted(int id, PersistedState saved) {
        Node n = node(id);
        n.step(new Event.Boot(saved));
        return n;
    }

    /** A heartbeat from the peer of {@code to}, acknowledging its last heartbeat if {@code ack}. */
    private static Heartbeat from(Node to, NodeState state, ServicesPhase services, long epoch, long dataEpoch,
                                  long grant, boolean ack) {
        int peer = 3 - to.cfg.nodeId();
        return new Heartbeat(peer, 77, 1, ack ? to.seq : -1, ack ? to.incarnation : 0, state, services,
                services == ServicesPhase.RUNNING ? 5_000 : 0, epoch, dataEpoch,
                SyncStatus.UPTODATE, grant, false, false, true, 0, 0);
    }

    private static <T extends Effect> List<T> of(List<Effect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static Effect.Reply reply(List<Effect> effects) {
        return of(effects, Effect.Reply.class).get(0);
    }

    private List<Effect> command(Node n, Command c) {
        return n.step(new Event.OperatorCommand(42, c, "table-test"));
    }

    // ---------------------------------------------------------------- boot

    @ParameterizedTest(name = "boot after {0} with boot {1} -> {2}")
    @CsvSource({
            "NONE,   KEEP,     WAIT",
            "PRIM,   KEEP,     WAIT",
            "SECOND, KEEP,     WAIT",
            "ALONE,  KEEP,     WAIT",
            "WAIT,   KEEP,     WAIT",
            "STOP,   KEEP,     STOP",
            "STOP,   ENABLED,  WAIT",
            "PRIM,   ENABLED,  WAIT",
            "PRIM,   DISABLED, STOP",
            "SECOND, DISABLED, STOP",
            "STOP,   DISABLED, STOP",
    })
    void bootWithEachPersistedStateAndBootMode(String last, BootMode mode, NodeState expected) {
        PersistedState saved = last.equals("NONE") ? null
                : new PersistedState(NodeState.valueOf(last), 7, 5, mode, false);
        Node n = booted(2, saved);
        assertThat(n.state()).isEqualTo(expected);
        assertThat(n.colour()).as("waiting for the peer or stopped: unavailable").isEqualTo(Colour.RED);
        assertThat(n.services()).isEqualTo(ServicesPhase.IDLE);
        if (saved != null) {
            assertThat(n.status().epoch()).isEqualTo(7);
            assertThat(n.status().dataEpoch()).isEqualTo(5);
            assertThat(n.status().bootMode()).isEqualTo(mode);
            assertThat(n.status().failoverEnabled()).isFalse();
        }
    }

    @Test
    void bootNeverStartsTheServicesEvenWhenTheNodeWasPrim() {
        Node n = node(1);
        List<Effect> out = n.step(new Event.Boot(new PersistedState(NodeState.PRIM, 3, 3, BootMode.KEEP, true)));
        assertThat(of(out, Effect.StartServices.class)).isEmpty();
        now += 60_000;
        assertThat(of(n.step(new Event.Tick()), Effect.StartServices.class)).isEmpty();
        assertThat(n.status().reason()).contains("force start");
    }

    @Test
    void aSecondBootIsIgnored() {
        Node n = booted(1, null);
        long epoch = n.epoch();
        assertThat(n.step(new Event.Boot(new PersistedState(NodeState.STOP, 99, 99, BootMode.KEEP, true))))
                .isEmpty();
        assertThat(n.epoch()).isEqualTo(epoch);
        assertThat(n.state()).isEqualTo(NodeState.WAIT);
    }

    // ---------------------------------------------------------------- grants

    @ParameterizedTest(name = "epoch 4, grant {0}, ack ours {1}, peer services {2} -> start {3}")
    @CsvSource({
            "6, true,  IDLE,     true",
            "5, true,  IDLE,     true",
            "4, true,  IDLE,     false",
            "3, true,  IDLE,     false",
            "0, true,  IDLE,     false",
            "6, false, IDLE,     false",
            "6, true,  STOPPING, false",
            "6, true,  RUNNING,  false",
    })
    void aGrantIsAcceptedOnlyIfNewerThanTheEpochAndAddressedToThisIncarnation(long grant, boolean ack,
                                                                              ServicesPhase peerServices,
                                                                              boolean starts) {
        Node n = booted(2, new PersistedState(NodeState.SECOND, 4, 4, BootMode.KEEP, true));
        n.step(new Event.Tick()); // sends heartbeat seq 1
        now += 10;
        List<Effect> out = n.step(new Event.HeartbeatReceived(from(n, NodeState.WAIT, peerServices, 3, 3, grant, ack)));
        assertThat(of(out, Effect.StartServices.class)).as("services started").hasSize(starts ? 1 : 0);
        if (starts) {
            assertThat(n.epoch()).isEqualTo(grant);
            assertThat(n.services()).isEqualTo(ServicesPhase.STARTING);
            assertThat(n.colour()).isEqualTo(Colour.MAGENTA);
        } else {
            assertThat(n.epoch()).isGreaterThanOrEqualTo(4);
            assertThat(n.services()).isEqualTo(ServicesPhase.IDLE);
        }
    }

    @Test
    void aGrantFromAPreviousIncarnationOfThisNodeIsIgnored() {
        Node n = booted(2, new PersistedState(NodeState.SECOND, 4, 4, BootMode.KEEP, true));
        n.step(new Event.Tick());
        Heartbeat stale = new Heartbeat(1, 77, 1, n.seq, n.incarnation ^ 2, NodeState.WAIT, ServicesPhase.IDLE, 0,
                3, 3, SyncStatus.UPTODATE, 6, false, false, true, 0, 0);
        assertThat(of(n.step(new Event.HeartbeatReceived(stale)), Effect.StartServices.class)).isEmpty();
    }

    @Test
    void anIdleNodeGrantsTheServicesToAPeerWithNewerData() {
        Node n = booted(1, new PersistedState(NodeState.SECOND, 4, 3, BootMode.KEEP, true));
        n.step(new Event.HeartbeatReceived(from(n, NodeState.WAIT, ServicesPhase.IDLE, 4, 4, 0, false)));
        now += 1_000;
        List<Effect.SendHeartbeat> sent = of(n.step(new Event.Tick()), Effect.SendHeartbeat.class);
        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s.heartbeat().grantEpoch()).isEqualTo(6); // node2's next even epoch above 4
            assertThat(s.heartbeat().ackIncarnation()).isEqualTo(77);
        });
    }

    @ParameterizedTest(name = "no grant while the services are {0}")
    @CsvSource({"STARTING", "RUNNING", "STOPPING"})
    void noGrantIsGivenWhileTheServicesAreNotIdle(ServicesPhase phase) {
        // Without a witness: with one, the peer's withdrawn grant would (rightly) fence the node.
        Node n = new Node(CoreConfig.defaults(1, false), () -> now, new SplittableRandom(1));
        n.step(new Event.Boot(new PersistedState(NodeState.PRIM, 3, 3, BootMode.KEEP, true)));
        n.step(new Event.Tick());
        n.step(new Event.HeartbeatReceived(from(n, NodeState.WAIT, ServicesPhase.IDLE, 2, 2, 5, true)));
        assertThat(n.services()).isEqualTo(ServicesPhase.STARTING);
        if (phase != ServicesPhase.STARTING) {
            n.step(new Event.ServicesStarted(true, "ok"));
        }
        if (phase == ServicesPhase.STOPPING) {
            n.step(new Event.OperatorCommand(1, new Command.Stop(), "table-test"));
        }
        assertThat(n.services()).isEqualTo(phase);
        // the peer claims newer data: an idle node would grant it the services
        n.step(new Event.HeartbeatReceived(from(n, NodeState.WAIT, ServicesPhase.IDLE, 9, 9, 0, true)));
        for (int i = 0; i < 3; i++) {
            now += 1_000;
            for (Effect.SendHeartbeat s : of(n.step(new Event.Tick()), Effect.SendHeartbeat.class)) {
                assertThat(s.heartbeat().grantEpoch()).isZero();
                assertThat(s.heartbeat().services()).isEqualTo(phase);
            }
            n.step(new Event.HeartbeatReceived(from(n, NodeState.WAIT, ServicesPhase.IDLE, 9, 9, 0, true)));
        }
    }

    // ---------------------------------------------------------------- operator commands

    @Test
    void aCommandBeforeBootIsRefused() {
        Node n = node(1);
        Effect.Reply r = reply(command(n, new Command.Start()));
        assertThat(r.accepted()).isFalse();
        assertThat(r.message()).contains("still booting");
        assertThat(r.commandId()).isEqualTo(42);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "swap without a peer           | cannot swap: node2 is not reachable",
            "swap without sync, no peer    | start node2 first",
            "start while started           | node1 is already started (WAIT); use restart to restart it",
    })
    void refusalsOfAJoiningNodeWithoutPeer(String what, String message) {
        Node n = booted(1, null);
        Command c = what.startsWith("swap without sync") ? new Command.Swap(true)
                : what.startsWith("swap") ? new Command.Swap(false) : new Command.Start();
        Effect.Reply r = reply(command(n, c));
        assertThat(r.accepted()).isFalse();
        assertThat(r.message()).contains(message);
    }

    @Test
    void forceStartIsRefusedWhileThePeerRunsTheServices() {
        Node n = booted(2, null);
        n.step(new Event.HeartbeatReceived(from(n, NodeState.PRIM, ServicesPhase.RUNNING, 1, 1, 0, false)));
        Effect.Reply r = reply(command(n, new Command.ForceStart()));
        assertThat(r.accepted()).isFalse();
        assertThat(r.message()).isEqualTo("cannot force start: node1 runs the services; use swap instead");
    }

    @Test
    void forceStartIsRefusedWhenTheNodeAlreadyRunsTheServices() {
        Node n = booted(2, null);
        assertThat(reply(command(n, new Command.ForceStart())).accepted()).isTrue();
        Effect.Reply again = reply(command(n, new Command.ForceStart()));
        assertThat(again.accepted()).isFalse();
        assertThat(again.message()).isEqualTo("node2 already runs the services");
    }

    @Test
    void forceStartFromWaitStartsTheServicesAtANewEpochOfThisNode() {
        Node n = booted(2, new PersistedState(NodeState.SECOND, 5, 5, BootMode.KEEP, true));
        List<Effect> out = command(n, new Command.ForceStart());
        assertThat(reply(out).accepted()).isTrue();
        assertThat(of(out, Effect.StartServices.class)).containsExactly(new Effect.StartServices(6));
        assertThat(of(out, Effect.Alarm.class)).extracting(Effect.Alarm::code).containsExactly("FORCE_START");
    }

    @Test
    void swapFromAStoppedNodeIsRefusedNamingBothStates() {
        Node n = booted(2, new PersistedState(NodeState.STOP, 1, 1, BootMode.KEEP, true));
        n.step(new Event.HeartbeatReceived(from(n, NodeState.ALONE, ServicesPhase.RUNNING, 1, 1, 0, false)));
        Effect.Reply r = reply(command(n, new Command.Swap(false)));
        assertThat(r.accepted()).isFalse();
        assertThat(r.message()).isEqualTo("cannot swap while this node is STOP and node1 is ALONE:"
                + " a swap needs one node PRIM and the other SECOND");
    }

    /**
     * Swap legality has one definition (Commands#swapPair), which the console also uses to grey
     * out its menu entry: a SECOND whose peer runs the services but is not yet PRIM (ALONE: it
     * does not see this node follow) is refused by the node as the console refuses it.
     */
    @Test
    void swapFromASecondWhosePeerIsAloneIsRefusedByTheSamePairRuleAsTheConsoles() {
        Node n = booted(2, new PersistedState(NodeState.SECOND, 1, 1, BootMode.KEEP, true));
        n.step(new Event.HeartbeatReceived(from(n, NodeState.ALONE, ServicesPhase.RUNNING, 1, 1, 0, false)));
        assertThat(n.state()).isEqualTo(NodeState.SECOND);
        assertThat(Commands.swapPair(NodeState.SECOND, NodeState.ALONE)).isFalse();
        Effect.Reply r = reply(command(n, new Command.Swap(true)));
        assertThat(r.accepted()).isFalse();
        assertThat(r.message()).isEqualTo("cannot swap while this node is SECOND and node1 is ALONE:"
                + " a swap needs one node PRIM and the other SECOND");
    }

    @Test
    void swapFromASecondThatIsNotUpToDateIsRefusedUnlessWithoutSync() {
        Node n = booted(2, new PersistedState(NodeState.SECOND, 1, 0, BootMode.KEEP, true));
        n.step(new Event.HeartbeatReceived(from(n, NodeState.PRIM, ServicesPhase.RUNNING, 1, 1, 0, false)));
        assertThat(n.state()).isEqualTo(NodeState.SECOND);
        Effect.Reply r = reply(command(n, new Command.Swap(false)));
        assertThat(r.accepted()).isFalse();
        assertThat(r.message()).startsWith("cannot swap: this node's data is not up to date").contains("--without-sync");
        assertThat(reply(command(n, new Command.Swap(true))).accepted()).isTrue();
    }

    @Test
    void stoppingAStoppedNodeIsAcceptedAndChangesNothing() {
        Node n = booted(1, new PersistedState(NodeState.STOP, 1, 1, BootMode.KEEP, true));
        Effect.Reply r = reply(command(n, new Command.Stop()));
        assertThat(r.accepted()).isTrue();
        assertThat(r.message()).isEqualTo("node1 is already stopped");
        assertThat(n.state()).isEqualTo(NodeState.STOP);
    }

    @Test
    void adminSwitchesAreAcceptedAndPersistedWhereTheySurviveARestart() {
        Node n = booted(1, null);
        List<Effect> out = command(n, new Command.SetFailover(false));
        assertThat(reply(out).message()).isEqualTo("failover is now off");
        assertThat(of(out, Effect.Persist.class)).last().satisfies(p -> assertThat(p.state().failoverEnabled()).isFalse());
        out = command(n, new Command.SetBoot(BootMode.DISABLED));
        assertThat(reply(out).message()).isEqualTo("boot behaviour is now disabled");
        assertThat(of(out, Effect.Persist.class)).last()
                .satisfies(p -> assertThat(p.state().bootMode()).isEqualTo(BootMode.DISABLED));
        assertThat(reply(command(n, new Command.SuspendErrorDetection(true))).message())
                .isEqualTo("error detection suspended");
        assertThat(reply(command(n, new Command.Checkers(false))).message()).isEqualTo("checkers stopped");
    }

    @Test
    void aResourceFailureWhileTheServicesAreNotRunningIsIgnored() {
        Node n = booted(1, null);
        List<Effect> out = n.step(new Event.ResourceFailed("management-server", "down"));
        assertThat(of(out, Effect.RestartResource.class)).isEmpty();
    }
}
