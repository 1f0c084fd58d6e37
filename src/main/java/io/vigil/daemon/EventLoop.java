package io.vigil.daemon;

import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.Node;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;

/**
 * The node's event loop without its thread: one queue of events, each fed to the pure {@link
 * Node} in turn and its effects handed on, in order, to the {@link EffectRunner} (a test
 * may wrap the runner, e.g. in a deliberately broken one, and see the simulator catch it). Events that effects
 * enqueue (a service that stopped at once, a reply) wait for the next turn, never re-enter a step.
 * {@link NodeDaemon} runs it on its own thread ({@link #runBlocking}); the simulator drains it
 * from its scheduler ({@link #runPending}), so both drive the same loop.
 */
public final class EventLoop {
    private volatile long lastProgressNanos = System.nanoTime();
    /** How long the daemon's thread waits for an event before checking whether it should stop. */
    static final long POLL_MS = 200;

    private final Node node;
    private final Consumer<Effect> effects;
    private final Runnable afterStep;
    private final BiConsumer<Event, RuntimeException> onFailure;
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

    /**
     * @param afterStep runs after each event's effects (the daemon publishes its status snapshot)
     * @param onFailure hears of a step or an effect that threw: a broken invariant in the core
     */
    public EventLoop(Node node, Consumer<Effect> effects, Runnable afterStep,
                     BiConsumer<Event, RuntimeException> onFailure) {
        this.node = node;
        this.effects = effects;
        this.afterStep = afterStep;
        this.onFailure = onFailure;
    }

    /** Thread-safe: receiver threads, timers and the admin channel all enqueue here. */
    public void enqueue(Event e) {
        queue.add(e);
    }

    /** Handles every queued event, including those its effects enqueue; returns how many. */
    public int runPending() {
        int n = 0;
        Event e;
        while ((e = queue.poll()) != null) {
            handle(e);
            n++;
        }
        return n;
    }

    /** The daemon's thread: handles events until {@code running} turns false or it is interrupted. */
    void runBlocking(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            Event e;
            try {
                e = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            if (e != null) {
                handle(e);
            }
        }
    }

    /**
     * When this loop last finished handling an event ({@link System#nanoTime()}); the ticker queues
     * one every {@code TICK_MS}, so a loop that stops advancing is stuck (systemd's watchdog).
     */
    public long lastProgressNanos() {
        return lastProgressNanos;
    }

    private void handle(Event e) {
        try {
            List<Effect> out = node.step(e);
            for (Effect effect : out) {
                effects.accept(effect);
            }
            afterStep.run();
        } catch (RuntimeException ex) {
            onFailure.accept(e, ex);
        } finally {
            lastProgressNanos = System.nanoTime();
        }
    }
}
