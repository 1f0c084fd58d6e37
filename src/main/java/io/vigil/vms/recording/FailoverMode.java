package io.vigil.vms.recording;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.vigil.vms.management.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A failover recording server's cover (SPEC §9, issue 14): which recording server it stands in for
 * now, as the failover coordinator told it. It records that server's "full" devices into its own
 * store, serves live video of the "live-only" ones without storing them, and ignores "none"
 * devices; at hand-back it stops them all and keeps what it recorded (for the merge back).
 * One cover at a time: a failover server never covers two recording servers.
 */
final class FailoverMode {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverMode.class);
    static final Set<String> SUPPORT = Set.of("full", "live-only", "none");

    /** One device of the covered recording server and its failover support. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Assignment(DeviceConfig device, String support) {
    }

    /** What the coordinator sends: the recording server to cover and its devices. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Cover(long recordingServerId, String recordingServerName, List<Assignment> devices) {
        Cover {
            devices = devices == null ? List.of() : List.copyOf(devices);
        }
    }

    private final Recorder recorder;
    private Cover cover;

    FailoverMode(Recorder recorder) {
        this.recorder = recorder;
    }

    /** Starts covering; the same cover again re-applies it (the coordinator repeats a call it saw no answer to). */
    synchronized Cover cover(Cover c) {
        check(c);
        if (cover != null && cover.recordingServerId() != c.recordingServerId()) {
            throw ApiError.conflict("recordingServerId", "this failover server covers recording server "
                    + cover.recordingServerId() + " now; hand that one back first (DELETE /failover/cover)");
        }
        Set<Long> live = new HashSet<>();
        List<DeviceConfig> run = c.devices().stream().filter(a -> !"none".equals(a.support()))
                .peek(a -> {
                    if ("live-only".equals(a.support())) {
                        live.add(a.device().id());
                    }
                }).map(Assignment::device).toList();
        recorder.apply(run, live);
        if (cover == null) {
            LOG.info("failover: covering recording server {} ('{}'): {} devices recorded, {} live only, {} ignored",
                    c.recordingServerId(), c.recordingServerName(), run.size() - live.size(), live.size(),
                    c.devices().size() - run.size());
        }
        cover = c;
        return c;
    }

    /** Stops covering; not covering is a no-op. Returns the recording server handed back, or null. */
    synchronized Long handBack() {
        if (cover == null) {
            return null;
        }
        long was = cover.recordingServerId();
        recorder.apply(List.of());
        LOG.info("failover: handed recording server {} ('{}') back", was, cover.recordingServerName());
        cover = null;
        return was;
    }

    /** The recording server covered now, or null. */
    synchronized Long covering() {
        return cover == null ? null : cover.recordingServerId();
    }

    private static void check(Cover c) {
        if (c.recordingServerId() < 1) {
            throw ApiError.badField("recordingServerId", "recordingServerId is required (a positive number)");
        }
        for (int i = 0; i < c.devices().size(); i++) {
            Assignment a = c.devices().get(i);
            if (a == null || a.device() == null) {
                throw ApiError.badField("devices[" + i + "].device", "each entry needs the device's configuration");
            }
            if (!SUPPORT.contains(a.support())) {
                throw ApiError.badField("devices[" + i + "].support", "support '" + a.support()
                        + "' is not full, live-only or none");
            }
            String problem = a.device().problem();
            if (problem != null) {
                throw ApiError.badField("devices[" + i + "].device", "device " + a.device().id() + ": " + problem);
            }
        }
    }
}
