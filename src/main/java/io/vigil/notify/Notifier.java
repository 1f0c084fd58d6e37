package io.vigil.notify;

import io.vigil.config.EventsSection;
import io.vigil.config.NotificationsSection;
import io.vigil.core.Effect;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Tells the outside world what the cluster does: state changes, failovers and alarms go to the VMS
 * event server (issue 13) and to the configured webhooks, syslog collectors and SNMP managers
 * (issue 15). The event loop only offers effects to a queue and never waits; this notifier's
 * thread turns them into events (one id per event, the same for every receiver) and hands them to
 * one {@link Delivery} per receiver, which keeps them on disk until that receiver took them and
 * retries with back-off while it is away. Receivers that acknowledge (event server, webhooks, TCP
 * syslog, SNMP informs) get every event, once per id, after an outage or a restart of the node;
 * UDP syslog and SNMP traps have no acknowledgement, so what is lost on the way stays lost.
 */
public final class Notifier implements AutoCloseable {
    static final int BATCH = 100;
    private static final int MAX_QUEUED = 10_000;

    private final ClusterEvents events;
    private final List<Delivery> deliveries;
    private final Clock clock;
    private final Consumer<String> log;
    private final BlockingQueue<Effect> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private volatile boolean running = true;

    private Notifier(String source, List<Delivery> deliveries, Clock clock, Consumer<String> log) {
        this.events = new ClusterEvents(source, new SecureRandom().nextLong());
        this.deliveries = List.copyOf(deliveries);
        this.clock = clock;
        this.log = log;
        this.thread = new Thread(this::run, "vigil-notifier");
        this.thread.setDaemon(true);
    }

    /**
     * The node's notifier: the event server (when {@code events} is set) and every receiver of
     * {@code notifications}; null when there is none.
     * @param dir      where each receiver's undelivered events wait (kept across restarts)
     * @param hostName the node's host name, for syslog's HOSTNAME field
     * @param log      one line per change of a receiver's health (not one per retry)
     */
    public static Notifier start(EventsSection eventServer, NotificationsSection notifications, String source,
                                 String hostName, Path dir, Clock clock, Consumer<String> log) throws IOException {
        List<Delivery> d = new ArrayList<>();
        try {
            if (eventServer != null) {
                d.add(new Delivery(new EventServerSink(eventServer), dir.resolve("outbox.jsonl"), log));
            }
            for (int i = 0; i < notifications.webhooks().size(); i++) {
                d.add(new Delivery(new WebhookSink(notifications.webhooks().get(i)), dir.resolve("webhook-" + i + ".jsonl"), log));
            }
            for (int i = 0; i < notifications.syslog().size(); i++) {
                d.add(new Delivery(new SyslogSink(notifications.syslog().get(i), hostName), dir.resolve("syslog-" + i + ".jsonl"), log));
            }
            for (int i = 0; i < notifications.snmp().size(); i++) {
                d.add(new Delivery(new SnmpSink(notifications.snmp().get(i)), dir.resolve("snmp-" + i + ".jsonl"), log));
            }
        } catch (IOException | RuntimeException e) {
            d.forEach(Delivery::close);
            throw e;
        }
        if (d.isEmpty()) {
            return null;
        }
        Notifier n = new Notifier(source, d, clock, log);
        n.thread.start();
        return n;
    }

    /** The event server alone, its undelivered events in {@code outboxFile}. */
    public static Notifier start(EventsSection config, String source, Path outboxFile, Clock clock,
                                 Consumer<String> log) throws IOException {
        Notifier n = new Notifier(source, List.of(new Delivery(new EventServerSink(config), outboxFile, log)), clock, log);
        n.thread.start();
        return n;
    }

    /** Called on the event loop for every effect: never blocks; effects that are not events are ignored. */
    public void offer(Effect effect) {
        if (effect instanceof Effect.StateChanged || effect instanceof Effect.FailoverPerformed
                || effect instanceof Effect.Alarm) {
            if (!queue.offer(effect)) {
                log.accept("notifications: more than " + MAX_QUEUED + " events wait to be written; dropped " + effect);
            }
        }
    }

    /** Events raised and not yet taken by every receiver (an event waiting for two counts twice). */
    public int pending() {
        return queue.size() + deliveries.stream().mapToInt(Delivery::pending).sum();
    }

    private void run() {
        while (running) {
            try {
                Effect first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                List<Effect> batch = new ArrayList<>(List.of(first));
                queue.drainTo(batch, BATCH);
                List<ClusterEvent> raised = batch.stream().flatMap(e -> events.of(e, clock.instant()).stream()).toList();
                for (Delivery d : deliveries) {
                    d.add(raised);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                log.accept("notifications: cannot keep undelivered events on disk: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        deliveries.forEach(Delivery::close);
    }
}
