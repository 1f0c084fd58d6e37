package io.vigil.notify;

import io.vigil.config.EventsSection;

import java.io.IOException;
import java.util.List;

/** The VMS event server: batches, stored once per event id (issue 13). */
final class EventServerSink implements Sink {
    private final EventServerClient client;
    private final String name;

    EventServerSink(EventsSection config) {
        this.client = new EventServerClient(config);
        this.name = "events " + config.url();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int deliver(List<ClusterEvent> events) throws IOException, InterruptedException {
        client.deliver(events);
        return events.size();
    }
}
