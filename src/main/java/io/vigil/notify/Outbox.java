package io.vigil.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The events raised but not yet acknowledged by the event server, kept in a file so that an
 * event raised while the event server is failing over, or just before this node restarts, is
 * still delivered afterwards. The file is rewritten whole (temporary file, fsync, rename) on
 * every change: it holds a handful of events, and a torn write must never lose the others.
 * Bounded: past {@link #MAX_EVENTS} the oldest are dropped, and the caller is told how many.
 */
final class Outbox {
    static final int MAX_EVENTS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final List<ClusterEvent> pending = new ArrayList<>();

    Outbox(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    try {
                        pending.add(JSON.readValue(line, ClusterEvent.class));
                    } catch (IOException e) {
                        // a damaged line (disk trouble): skip it, keep the others
                    }
                }
            }
        }
    }

    /** Adds events; returns how many old ones had to be dropped to stay within the bound. */
    synchronized int add(List<ClusterEvent> events) throws IOException {
        pending.addAll(events);
        int dropped = Math.max(0, pending.size() - MAX_EVENTS);
        if (dropped > 0) {
            pending.subList(0, dropped).clear();
        }
        save();
        return dropped;
    }

    synchronized List<ClusterEvent> first(int max) {
        return List.copyOf(pending.subList(0, Math.min(max, pending.size())));
    }

    /** Removes the first {@code n} events (the server acknowledged them). */
    synchronized void acknowledge(int n) throws IOException {
        pending.subList(0, Math.min(n, pending.size())).clear();
        save();
    }

    synchronized int size() {
        return pending.size();
    }

    private void save() throws IOException {
        StringBuilder b = new StringBuilder();
        for (ClusterEvent e : pending) {
            b.append(JSON.writeValueAsString(e)).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        PrivateFiles.writeString(tmp, b.toString());
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
