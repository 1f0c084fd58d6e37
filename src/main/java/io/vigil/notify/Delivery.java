package io.vigil.notify;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Delivers one {@link Sink}'s events: they wait in its {@link Outbox} (a file, kept across
 * restarts) until the sink takes them, with retries backing off from 0.2 s to 5 s while it is
 * away. Its own thread: a slow or dead receiver delays nobody else, and never the event loop.
 */
final class Delivery implements AutoCloseable {
    private static final long FIRST_RETRY_MS = 200;
    private static final long MAX_RETRY_MS = 5_000;

    private final Sink sink;
    private final Outbox outbox;
    private final Consumer<String> log;
    private final Object wake = new Object();
    private final Thread thread;
    private volatile boolean running = true;
    private String lastProblem;

    Delivery(Sink sink, Path outboxFile, Consumer<String> log) throws IOException {
        this.sink = sink;
        this.outbox = new Outbox(outboxFile);
        this.log = log;
        this.thread = new Thread(this::run, "vigil-notify-" + sink.name().split(" ")[0]);
        this.thread.setDaemon(true);
        if (outbox.size() > 0) {
            log.accept(sink.name() + ": " + outbox.size() + " event(s) from before the restart wait to be delivered");
        }
        thread.start();
    }

    /** Queues events (written to the outbox first) and wakes the sender. */
    void add(List<ClusterEvent> events) throws IOException {
        int dropped = outbox.add(events);
        if (dropped > 0) {
            log.accept(sink.name() + ": away for long; dropped the " + dropped + " oldest undelivered event(s)");
        }
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    int pending() {
        return outbox.size();
    }

    private void run() {
        long retryMs = FIRST_RETRY_MS;
        while (running) {
            try {
                synchronized (wake) {
                    if (outbox.size() == 0) {
                        wake.wait(1_000);
                    }
                }
                if (outbox.size() == 0) {
                    continue;
                }
                if (deliver()) {
                    retryMs = FIRST_RETRY_MS;
                } else {
                    synchronized (wake) {
                        wake.wait(retryMs); // an add() wakes it early: a receiver that is back gets it at once
                    }
                    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                problem(sink.name() + ": cannot keep undelivered events on disk: " + e.getMessage());
            }
        }
    }

    /** Sends what waits; true when nothing is left. */
    private boolean deliver() throws IOException, InterruptedException {
        while (outbox.size() > 0) {
            List<ClusterEvent> batch = outbox.first(Notifier.BATCH);
            int sent;
            try {
                sent = sink.deliver(batch);
            } catch (IOException e) {
                problem(sink.name() + ": " + e.getMessage() + "; " + outbox.size() + " event(s) wait, retrying");
                return false;
            }
            outbox.acknowledge(sent);
            if (lastProblem != null) {
                log.accept(sink.name() + ": reachable again; delivering the waiting events");
                lastProblem = null;
            }
            if (sent < batch.size()) {
                return false;
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
