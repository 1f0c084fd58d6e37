package io.vigil.vms.recording;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Keeps the recorder on the management server's configuration: re-reads it every
 * {@code pollMillis}, applies changes, and saves the last one read to
 * {@code <storage>/recording-config.json}. That file is applied at start, before the management
 * server is asked, so the recording server records after a reboot even while the management server
 * is down or failing over; an unreachable management server is retried with a back-off (1 s
 * doubling, at most {@code pollMillis}) and never stops the recording.
 */
final class ConfigSync implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigSync.class);
    static final String FILE = "recording-config.json";

    private final ManagementClient client;
    private final String name;
    private final Path file;
    private final Recorder recorder;
    private final long pollMillis;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String problem = "not read yet";
    private volatile long lastReadMillis;
    private ManagementClient.Snapshot last;

    ConfigSync(ManagementClient client, String name, Path storage, Recorder recorder, long pollMillis) {
        this.client = client;
        this.name = name;
        this.file = storage.resolve(FILE);
        this.recorder = recorder;
        this.pollMillis = pollMillis;
        this.thread = new Thread(this::run, "config-sync");
        this.thread.setDaemon(true);
    }

    /** Applies the saved configuration, if any, then starts polling. */
    void start() {
        try {
            if (Files.exists(file)) {
                last = ManagementClient.MAPPER.readValue(file.toFile(), ManagementClient.Snapshot.class);
                apply(last);
                LOG.info("recording from the saved configuration {} ({} devices) until the management server answers",
                        file, last.devices().size());
            }
        } catch (IOException e) {
            LOG.error("the saved configuration {} cannot be read ({}); waiting for the management server", file,
                    e.getMessage());
        }
        thread.start();
    }

    private void run() {
        long backoff = 1000;
        while (running) {
            long wait = pollMillis;
            try {
                ManagementClient.Snapshot s = client.fetch(name);
                if (!s.equals(last)) {
                    save(s);
                    apply(s);
                    last = s;
                }
                lastReadMillis = System.currentTimeMillis();
                cleared();
                backoff = 1000;
            } catch (IOException e) {
                failed(e);
                wait = Math.min(backoff, pollMillis);
                backoff = Math.min(backoff * 2, pollMillis);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a bug or an answer we cannot apply must not end the polling: recording goes on
                LOG.error("configuration: cannot apply what the management server answered", e);
                failed(new java.io.IOException("cannot apply the management server's configuration: " + e));
                wait = pollMillis;
            }
            recorder.enforceRetention();
            sleep(wait);
        }
    }

    private void apply(ManagementClient.Snapshot s) {
        recorder.apply(s.enabled() ? s.devices() : List.of());
    }

    private void failed(IOException e) {
        String why = e instanceof ConnectException || e instanceof HttpTimeoutException
                ? "the management server is unreachable (" + e.getClass().getSimpleName() + ")"
                : e.getMessage() == null ? e.toString() : e.getMessage();
        if (!why.equals(problem)) {
            LOG.warn("configuration: {}; recording goes on with the last known configuration", why);
        }
        problem = why;
    }

    private void cleared() {
        if (problem != null) {
            LOG.info("configuration read from the management server ({} devices)", last.devices().size());
        }
        problem = null;
    }

    /** Saves whole or not at all (temporary file, fsync, rename), readable by this user only. */
    private void save(ManagementClient.Snapshot s) {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(ManagementClient.MAPPER.writeValueAsBytes(s)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn("cannot save the configuration to {} ({}); a restart without the management server"
                    + " would use the previous one", file, e.getMessage());
        }
    }

    /** Why the configuration could not be read last time, or null when it was. */
    String problem() {
        return problem;
    }

    long lastReadMillis() {
        return lastReadMillis;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
