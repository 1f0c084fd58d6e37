package io.vigil.vms.management;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the coordinator's watch stream open to one recording or failover server ({@code GET
 * /failover/watch}, issue 14) and says whether the server is up. Detection does not wait for a
 * timeout when it does not have to: a process that dies closes the connection, seen at once; a
 * machine or link that dies stops the beats, and the server is down after {@code missedBeats}
 * beats in a row did not come (a read deadline, counted in beats, not timestamps compared).
 */
final class FailoverWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverWatch.class);

    /** What the watch knows: never reached yet, up (beats arrive), or down (closed, refused or silent). */
    enum Seen { UNKNOWN, UP, DOWN }

    private final String label;
    private final URI base;
    private final String token;
    private final int beatMs;
    private final int missedBeats;
    private final Runnable changed;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Seen seen = Seen.UNKNOWN;
    private volatile Long covering;
    private volatile HttpURLConnection open;
    private String lastWhy;

    /** @param changed called (on the watch's thread) whenever the server goes up or down: wakes the coordinator */
    FailoverWatch(String label, URI base, String token, int beatMs, int missedBeats, Runnable changed) {
        this.label = label;
        this.base = base;
        this.token = token;
        this.beatMs = beatMs;
        this.missedBeats = missedBeats;
        this.changed = changed;
        this.thread = new Thread(this::run, "watch-" + label);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    URI base() {
        return base;
    }

    Seen seen() {
        return seen;
    }

    /** What the server last said it covers (failover servers), or null. */
    Long covering() {
        return covering;
    }

    private void run() {
        while (running) {
            try {
                follow();
                set(Seen.DOWN, "closed the watch connection");
            } catch (SocketTimeoutException e) {
                set(Seen.DOWN, "sent no beat for " + missedBeats + " beats of " + beatMs + " ms");
            } catch (IOException e) {
                set(Seen.DOWN, "cannot be watched (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            }
            pause(Math.min(beatMs, 500)); // a refused connection is retried at once, a server back is seen within a beat
        }
    }

    private void follow() throws IOException {
        HttpURLConnection c = (HttpURLConnection) base.resolve("/failover/watch?beat-ms=" + beatMs).toURL().openConnection();
        c.setConnectTimeout(beatMs * missedBeats);
        c.setReadTimeout(beatMs * missedBeats);
        c.setRequestProperty("Authorization", "Bearer " + token);
        c.setRequestProperty("Accept", "text/event-stream");
        open = c;
        try {
            if (c.getResponseCode() != 200) {
                throw new IOException("answered " + c.getResponseCode() + " to GET /failover/watch"
                        + (c.getResponseCode() == 401 ? ": it has another --coordinator-token-file" : ""));
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (running && (line = in.readLine()) != null) {
                    if (!line.startsWith("data:")) {
                        continue; // the event's name and the blank line that ends it
                    }
                    JsonNode beat = Json.MAPPER.readTree(line.substring(5));
                    covering = beat.path("covering").isNumber() ? beat.path("covering").asLong() : null;
                    set(Seen.UP, "beats");
                }
            }
        } finally {
            c.disconnect();
        }
    }

    private void set(Seen now, String why) {
        Seen before = seen;
        seen = now;
        boolean news = before != now || now == Seen.DOWN && !why.equals(lastWhy);
        lastWhy = why;
        if (news && running) {
            if (now == Seen.DOWN) {
                covering = null;
            }
            LOG.info("watch {} at {}: {}->{} ({})", label, base, before, now, why);
            changed.run();
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        HttpURLConnection c = open;
        if (c != null) {
            c.disconnect();
        }
        thread.interrupt();
    }
}
