package io.vigil.vms.recording;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The recording server's storage folder: {@code <storage>/devices/<device id>/} holds one
 * {@link DeviceLog} per device. A write that fails (a full disk, most often) raises the storage
 * alarm: it is logged once, shown by {@code /health}, and frames are dropped, not half-written,
 * until a write succeeds again; one write is tried per {@link #RETRY_MILLIS} so a full disk is not
 * hammered, and recording resumes by itself once space returns.
 */
public final class SegmentStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentStore.class);
    static final long RETRY_MILLIS = 1000;

    private final Path root;
    private final long segmentMillis;
    private final long segmentBytes;
    private final Clock clock;
    private final Map<Long, DeviceLog> logs = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String alarm;
    private volatile long nextAttempt;

    private SegmentStore(Path root, long segmentMillis, long segmentBytes, Clock clock) {
        this.root = root;
        this.segmentMillis = segmentMillis;
        this.segmentBytes = segmentBytes;
        this.clock = clock;
    }

    /** Opens (creating) the store; every device folder already there is indexed from its segments. */
    public static SegmentStore open(Path storage, long segmentMillis, long segmentBytes, Clock clock) throws IOException {
        Path root = storage.resolve("devices");
        Files.createDirectories(root);
        SegmentStore s = new SegmentStore(root, segmentMillis, segmentBytes, clock);
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (Files.isDirectory(d) && name.matches("[0-9]{1,18}")) {
                    s.log(Long.parseLong(name));
                }
            }
        }
        return s;
    }

    private DeviceLog log(long deviceId) throws IOException {
        DeviceLog log = logs.get(deviceId);
        if (log == null) {
            synchronized (logs) {
                log = logs.get(deviceId);
                if (log == null) {
                    log = DeviceLog.open(deviceId, root.resolve(Long.toString(deviceId)), segmentMillis, segmentBytes);
                    logs.put(deviceId, log);
                }
            }
        }
        return log;
    }

    /** The last sequence number stored for the device, -1 when it has none. */
    public long lastSequence(long deviceId) throws IOException {
        return log(deviceId).lastSequence();
    }

    /** Stores {@code f}; false when it was dropped because the storage is failing (the alarm says why). */
    public boolean append(Frame f) {
        long now = clock.millis();
        if (alarm != null && now < nextAttempt) {
            dropped.incrementAndGet();
            return false;
        }
        try {
            log(f.deviceId()).append(f);
        } catch (IOException e) {
            raise(e, now);
            dropped.incrementAndGet();
            return false;
        }
        if (alarm != null) {
            LOG.warn("storage alarm cleared: writing to {} again; recording resumed ({} frames were dropped)", root,
                    dropped.get());
            alarm = null;
        }
        return true;
    }

    private synchronized void raise(IOException e, long now) {
        nextAttempt = now + RETRY_MILLIS;
        if (alarm == null) {
            alarm = "cannot write to " + root + ": " + e.getMessage()
                    + "; frames are dropped until a write succeeds: free space or lower the devices' retentionHours";
            LOG.error("storage alarm: {}", alarm);
        }
    }

    /** The storage alarm, or null when writes succeed. */
    public String alarm() {
        return alarm;
    }

    public long droppedFrames() {
        return dropped.get();
    }

    public boolean has(long deviceId) {
        return logs.containsKey(deviceId);
    }

    public List<SegmentInfo> segments(long deviceId) throws IOException {
        return log(deviceId).segments();
    }

    public void read(long deviceId, long fromMillis, long toMillis, Consumer<Frame> sink) throws IOException {
        log(deviceId).read(fromMillis, toMillis, sink);
    }

    /** Adds a segment a merge wrote into {@code tmp} (see {@link DeviceLog#insert}); returns it as stored. */
    public SegmentInfo insert(long deviceId, Path tmp, SegmentInfo written) throws IOException {
        return log(deviceId).insert(tmp, written);
    }

    /** Closes the device's open segment (fsync and summary); used when a device stops recording. */
    public void roll(long deviceId) throws IOException {
        log(deviceId).roll();
    }

    /** Deletes the device's segments older than {@code retentionHours} (SPEC: retention by age). */
    public int enforceRetention(long deviceId, int retentionHours) throws IOException {
        int n = log(deviceId).dropBefore(clock.millis() - retentionHours * 3_600_000L);
        if (n > 0) {
            LOG.info("retention: deleted {} segments of device {} older than {} h", n, deviceId, retentionHours);
        }
        return n;
    }

    public java.util.Set<Long> devices() {
        return java.util.Set.copyOf(logs.keySet());
    }

    @Override
    public void close() {
        for (DeviceLog l : logs.values()) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.warn("closing the segment of {}: {}", l, e.getMessage());
            }
        }
    }
}
