package io.vigil.notify;

import java.io.IOException;
import java.util.List;

/**
 * One receiver of the cluster's events: the VMS event server, a webhook, a syslog collector, an
 * SNMP manager. Each has its own {@link Delivery} (outbox, thread, back-off), so one that is down
 * never delays the others.
 */
interface Sink {
    /** For the log and the outbox file name: e.g. {@code webhook https://ops.example/hook}. */
    String name();

    /**
     * Sends the events in order; returns how many from the start were delivered (the rest are
     * retried later). Throws, with a message for the log, when none could be.
     */
    int deliver(List<ClusterEvent> events) throws IOException, InterruptedException;

    /** For receivers that take one event at a time: sends until the first failure. */
    static int oneByOne(List<ClusterEvent> events, EventSender sender) throws IOException, InterruptedException {
        int sent = 0;
        for (ClusterEvent e : events) {
            try {
                sender.send(e);
            } catch (IOException ex) {
                if (sent == 0) {
                    throw ex;
                }
                return sent;
            }
            sent++;
        }
        return sent;
    }

    interface EventSender {
        void send(ClusterEvent e) throws IOException, InterruptedException;
    }
}
