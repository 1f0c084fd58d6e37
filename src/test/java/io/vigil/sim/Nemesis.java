package io.vigil.sim;

import io.vigil.core.Command;
import io.vigil.core.NodeState;

import java.util.SplittableRandom;

/**
 * Random faults for a simulated world, each healed after a while: crashes, pauses, partitions
 * (both ways or one way), packet loss and duplication, corrupted, truncated and replayed
 * heartbeat datagrams, witness isolation, and operator commands.
 * Then a heal-everything phase after which the cluster must converge to PRIM + SECOND.
 */
public final class Nemesis {
    private final SimWorld w;
    private final SplittableRandom random;
    private final boolean commands;

    public Nemesis(SimWorld world, boolean commands) {
        this.w = world;
        this.random = new SplittableRandom(world.seed * 31 + 7);
        this.commands = commands;
    }

    /** Boots both nodes, waits for PRIM + SECOND, injects {@code faults} faults, heals, checks convergence. */
    public void run(int faults) {
        w.boot(1);
        w.boot(2);
        w.runFor(8000);
        for (int i = 0; i < faults; i++) {
            injectOne();
            w.runFor(500 + random.nextLong(6000));
        }
        healAll();
        awaitConverged(60_000);
    }

    private void injectOne() {
        int node = 1 + random.nextInt(2);
        long heal = 500 + random.nextLong(15_000);
        switch (random.nextInt(commands ? 10 : 8)) {
            case 0 -> {
                w.crash(node);
                w.at(w.now + heal, () -> {
                    if (w.nodes[node].crashed) {
                        w.boot(node);
                    }
                });
            }
            case 1 -> {
                w.pause(node);
                w.at(w.now + heal, () -> w.resume(node));
            }
            case 2 -> {
                w.trace("PARTITION node1<->node2");
                w.net.cutBoth(1, 2);
                w.at(w.now + heal, () -> w.net.restore(1, 2));
            }
            case 3 -> {
                w.trace("PARTITION node" + node + "->node" + (3 - node) + " one way");
                w.net.cut(node, 3 - node);
                w.at(w.now + heal, () -> w.net.restore(1, 2));
            }
            case 4 -> {
                double p = random.nextDouble() * 0.6;
                w.trace("LOSS " + p);
                w.net.loss(1, 2, p);
                w.net.loss(2, 1, p);
                w.net.duplicate = random.nextDouble() * 0.2;
                w.at(w.now + heal, () -> {
                    w.net.loss(1, 2, 0);
                    w.net.loss(2, 1, 0);
                    w.net.duplicate = 0;
                });
            }
            case 5 -> {
                w.trace("ISOLATE node" + node + " from witness");
                w.net.cutBoth(node, SimNetwork.WITNESS);
                w.at(w.now + heal, () -> w.net.restore(node, SimNetwork.WITNESS));
            }
            case 6 -> {
                w.trace("ISOLATE node" + node + " from everything");
                w.net.cutBoth(node, 3 - node);
                w.net.cutBoth(node, SimNetwork.WITNESS);
                w.at(w.now + heal, () -> {
                    w.net.restore(node, 3 - node);
                    w.net.restore(node, SimNetwork.WITNESS);
                });
            }
            case 7 -> damageDatagrams(heal);
            case 8 -> operatorCommand(node);
            default -> {
                if (w.nodes[node].alive()) {
                    w.command(node, new Command.Swap(false));
                }
            }
        }
    }

    /** Heartbeats arrive flipped, cut short or played back: the codec and the replay guard must hold. */
    private void damageDatagrams(long heal) {
        DatagramFaults f = w.datagrams;
        f.corrupt = random.nextDouble() * 0.3;
        f.truncate = random.nextDouble() * 0.2;
        f.replay = random.nextDouble() * 0.5;
        w.trace(String.format("DATAGRAMS corrupt %.2f truncate %.2f replay %.2f", f.corrupt, f.truncate, f.replay));
        w.at(w.now + heal, f::heal);
    }

    private void operatorCommand(int node) {
        if (!w.nodes[node].alive()) {
            return;
        }
        Command c = switch (random.nextInt(3)) {
            case 0 -> new Command.Restart();
            case 1 -> new Command.Stop();
            default -> new Command.Swap(false);
        };
        w.trace("OPERATOR node" + node + " " + c.describe());
        w.command(node, c);
        if (c instanceof Command.Stop) {
            w.at(w.now + 500 + random.nextLong(8000), () -> {
                if (w.nodes[node].alive() && w.state(node) == NodeState.STOP) {
                    w.command(node, new Command.Start());
                }
            });
        }
    }

    private void healAll() {
        w.trace("HEAL everything");
        w.net.heal();
        w.datagrams.heal();
        for (int id = 1; id <= 2; id++) {
            if (w.nodes[id].crashed) {
                w.boot(id);
            } else if (w.nodes[id].paused) {
                w.resume(id);
            }
        }
        w.runFor(100);
        for (int id = 1; id <= 2; id++) {
            if (w.state(id) == NodeState.STOP) {
                w.command(id, new Command.Start());
            }
        }
    }

    /** Liveness: within {@code limitMs} of the last heal, one node PRIM and the other SECOND. */
    public void awaitConverged(long limitMs) {
        long deadline = w.now + limitMs;
        while (w.now < deadline) {
            w.runFor(250);
            for (int id = 1; id <= 2; id++) {
                if (w.state(id) == NodeState.STOP) {
                    // The operator undoes every stop of the fault phase, including one that was still
                    // stopping the services when the heal began.
                    w.command(id, new Command.Start());
                }
            }
            NodeState a = w.state(1);
            NodeState b = w.state(2);
            if ((a == NodeState.PRIM && b == NodeState.SECOND) || (a == NodeState.SECOND && b == NodeState.PRIM)) {
                return;
            }
        }
        w.fail("did not converge to PRIM + SECOND within " + limitMs + " ms of the last heal: node1 "
                + w.state(1) + " (" + w.status(1).reason() + "), node2 " + w.state(2) + " (" + w.status(2).reason() + ")");
    }
}
