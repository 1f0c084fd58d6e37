package io.vigil.vms.recording;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one camera per enabled device of the configuration and stores every frame. A new
 * configuration is applied as a difference: a device whose settings did not change keeps its
 * camera (and its sequence numbers) running, so a re-read of the configuration never causes a gap.
 * A camera (re)started numbers from the clock's frame slot ({@link #firstSequence}).
 */
public final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    /** What {@code GET /devices} shows of one device; {@code stored} false for a live-only device. */
    record Status(DeviceConfig config, String problem, Frame latest, boolean stored) {
    }

    private final SegmentStore store;
    private final Map<Long, DeviceConfig> configs = new HashMap<>();
    private final Map<Long, Camera> cameras = new HashMap<>();
    private final Map<Long, Frame> latest = new ConcurrentHashMap<>();
    private final Map<Long, String> problems = new ConcurrentHashMap<>();
    /** Devices served live but not stored: a failover server's "live only" devices (SPEC §9). */
    private final Set<Long> liveOnly = ConcurrentHashMap.newKeySet();

    public Recorder(SegmentStore store) {
        this.store = store;
    }

    /** Starts, stops and restarts cameras so that exactly the enabled devices of {@code devices} record. */
    public void apply(Collection<DeviceConfig> devices) {
        apply(devices, Set.of());
    }

    /**
     * As {@link #apply(Collection)}, with the devices of {@code live} run for live video only:
     * their frames are shown, never stored. A device that changes between stored and live only
     * restarts its camera.
     */
    public synchronized void apply(Collection<DeviceConfig> devices, Set<Long> live) {
        Map<Long, DeviceConfig> wanted = new HashMap<>();
        for (DeviceConfig d : devices) {
            if (d.enabled()) {
                wanted.put(d.id(), d);
            }
        }
        for (Long id : new ArrayList<>(configs.keySet())) {
            if (!configs.get(id).equals(wanted.get(id)) || liveOnly.contains(id) != live.contains(id)) {
                stop(id);
            }
        }
        for (DeviceConfig d : wanted.values()) {
            if (!configs.containsKey(d.id())) {
                if (live.contains(d.id())) {
                    liveOnly.add(d.id());
                }
                start(d);
            }
        }
    }

    private void start(DeviceConfig d) {
        configs.put(d.id(), d);
        String refused = d.problem() != null ? d.problem() : Set.of("simulated", "mjpeg").contains(d.kind()) ? null
                : "kind '" + d.kind() + "' is not supported by this recording server yet (simulated and mjpeg are);"
                + " the device is not recorded";
        if (refused != null) {
            report(d, refused); // before its folder is made: a refused device leaves nothing on disk
            return;
        }
        long next;
        try {
            next = firstSequence(liveOnly.contains(d.id()) ? -1 : store.lastSequence(d.id()),
                    System.currentTimeMillis(), d.fps());
        } catch (IOException e) {
            problems.put(d.id(), "cannot open its recordings: " + e.getMessage());
            LOG.error("device {} ({}): cannot open its recordings: {}", d.id(), d.name(), e.getMessage());
            return;
        }
        Camera.Sink sink = new Camera.Sink() {
            @Override
            public void frame(Frame f) {
                latest.put(f.deviceId(), f);
                if (!liveOnly.contains(f.deviceId())) {
                    store.append(f);
                }
            }

            @Override
            public void problem(String message) {
                report(d, message);
            }
        };
        if ("mjpeg".equals(d.kind())) {
            cameras.put(d.id(), new MjpegCamera(d.id(), URI.create(d.url()), next, sink));
        } else {
            cameras.put(d.id(), new SimulatedCamera(d.id(), d.fps(), d.frameBytes(), next, sink));
        }
        LOG.info("device {} ({}, {}) recording from sequence {}", d.id(), d.name(), d.kind(), next);
    }

    /**
     * The number of a camera run's first frame: the frame slot of the wall clock at its start
     * ({@code nowMillis * fps / 1000}), or the store's last + 1 if that is higher. So one number
     * means one moment of the device on every server that records it (issue 14): a failover server
     * continues the numbers past the recording server's last one by the time it was down (the
     * detection gap), and the recording server back continues past the failover server's, which
     * the merge then fills in without a clash. A run numbers its frames one by one from there: exact
     * for cameras at their set rate (simulated ones keep a fixed schedule); needs the servers'
     * clocks to agree (NTP) to well within the time a cover lasts.
     */
    static long firstSequence(long lastStored, long nowMillis, int fps) {
        return Math.max(lastStored + 1, nowMillis / 1000 * fps + nowMillis % 1000 * fps / 1000);
    }

    private void report(DeviceConfig d, String message) {
        String before = message == null ? problems.remove(d.id()) : problems.put(d.id(), message);
        if (message != null && !message.equals(before)) {
            LOG.warn("device {} ({}): {}", d.id(), d.name(), message);
        } else if (message == null && before != null) {
            LOG.info("device {} ({}) delivers again", d.id(), d.name());
        }
    }

    private void stop(long id) {
        Camera c = cameras.remove(id);
        if (c != null) {
            c.close();
        }
        configs.remove(id);
        problems.remove(id);
        latest.remove(id); // live stops with the camera: a stale frame must not pass for live video
        if (liveOnly.remove(id)) {
            return; // nothing was written
        }
        try {
            store.roll(id);
        } catch (IOException e) {
            LOG.warn("device {}: closing its segment: {}", id, e.getMessage());
        }
    }

    /** Applies each recording device's retention (hours) to its segments. */
    public void enforceRetention() {
        List<DeviceConfig> now;
        synchronized (this) {
            now = List.copyOf(configs.values());
        }
        for (DeviceConfig d : now) {
            try {
                store.enforceRetention(d.id(), d.retentionHours());
            } catch (IOException e) {
                LOG.warn("retention of device {}: {}", d.id(), e.getMessage());
            }
        }
    }

    public synchronized Map<Long, Status> status() {
        Map<Long, Status> s = new HashMap<>();
        configs.forEach((id, c) -> s.put(id, new Status(c, problems.get(id), latest.get(id), !liveOnly.contains(id))));
        return s;
    }

    public Frame latest(long deviceId) {
        return latest.get(deviceId);
    }

    @Override
    public synchronized void close() {
        for (Long id : new ArrayList<>(configs.keySet())) {
            stop(id);
        }
    }
}
