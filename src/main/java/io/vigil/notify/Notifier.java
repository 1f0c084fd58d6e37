package io.vigil.notify;

import io.vigil.config.EventsSection;
import io.vigil.core.Effect;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends the node's state changes, failovers and alarms to the VMS event server (issue 13; the
 * webhooks, syslog and SNMP of issue 15 will hang here too). The event loop only offers effects to
 * a queue and never waits; one thread of its own makes them events, keeps them in the
 * {@link Outbox} until the server acknowledges them, and retries with back-off (0.2 s doubling
 * to 5 s) while the event server is away, for instance failing over with the rest of the
 * services. Together with the event ids, that delivers every event once, after the failover.
 */
public final class Notifier implements AutoCloseable {
    static final int BATCH = 100;
    private static final long FIRST_RETRY_MS = 200;
    private static final long MAX_RETRY_MS = 5_000;
    private static final int MAX_QUEUED = 10_000;

    private final ClusterEvents events;
    private final Outbox outbox;
    private final EventServerClient client;
    private final Clock clock;
    private final Consumer<String> log;
    private final BlockingQueue<Effect> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private volatile boolean running = true;
    private String lastProblem;

    private Notifier(EventsSection config, String source, Path outboxFile, Clock clock, Consumer<String> log)
            throws IOException {
        this.events = new ClusterEvents(source, new SecureRandom().nextLong());
        this.outbox = new Outbox(outboxFile);
        this.client = new EventServerClient(config);
        this.clock = clock;
        this.log = log;
        this.thread = new Thread(this::run, "vigil-notifier");
        this.thread.setDaemon(true);
    }

    /**
     * @param outboxFile where undelivered events wait (kept across restarts)
     * @param log        one line per change of delivery health (not one per retry)
     */
    public static Notifier start(EventsSection config, String source, Path outboxFile, Clock clock,
                                 Consumer<String> log) throws IOException {
        Notifier n = new Notifier(config, source, outboxFile, clock, log);
        if (n.outbox.size() > 0) {
            log.accept("events: " + n.outbox.size() + " event(s) from before the restart wait for the event server");
        }
        n.thread.start();
        return n;
    }

    /** Called on the event loop for every effect: never blocks; effects that are not events are ignored. */
    public void offer(Effect effect) {
        if (effect instanceof Effect.StateChanged || effect instanceof Effect.FailoverPerformed
                || effect instanceof Effect.Alarm) {
            if (!queue.offer(effect)) {
                log.accept("events: more than " + MAX_QUEUED + " events wait to be written; dropped " + effect);
            }
        }
    }

    /** Events raised and not yet acknowledged by the event server. */
    public int pending() {
        return outbox.size() + queue.size();
    }

    private void run() {
        long retryMs = FIRST_RETRY_MS;
        while (running) {
            try {
                Effect first = queue.poll(outbox.size() > 0 ? retryMs : 1_000, TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<Effect> batch = new java.util.ArrayList<>(List.of(first));
                    queue.drainTo(batch, BATCH);
                    int dropped = outbox.add(batch.stream().flatMap(e -> events.of(e, clock.instant()).stream()).toList());
                    if (dropped > 0) {
                        log.accept("events: the event server has been away for long; dropped the " + dropped
                                + " oldest undelivered event(s)");
                    }
                }
                retryMs = deliver() ? FIRST_RETRY_MS : Math.min(retryMs * 2, MAX_RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                problem("events: cannot keep undelivered events on disk: " + e.getMessage());
            }
        }
    }

    /** Sends what waits; true when nothing is left or the last send succeeded. */
    private boolean deliver() throws IOException, InterruptedException {
        while (outbox.size() > 0) {
            List<ClusterEvent> batch = outbox.first(BATCH);
            try {
                client.deliver(batch);
            } catch (IOException e) {
                problem("events: " + e.getMessage() + "; " + outbox.size() + " event(s) wait, retrying");
                return false;
            }
            outbox.acknowledge(batch.size());
            if (lastProblem != null) {
                log.accept("events: the event server is reachable again; delivered the waiting events");
                lastProblem = null;
            }
        }
        return true;
    }

    private void problem(String line) {
        if (!line.equals(lastProblem)) {
            log.accept(line);
            lastProblem = line;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
