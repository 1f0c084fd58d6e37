package io.vigil.vms.recording;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A device as the management server describes it ({@code GET /api/recording-servers/{id}/devices}).
 * Fields the management server may add later are ignored, so an older recording server keeps working.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceConfig(long id, String name, String kind, String url, int fps, int bitrateKbps, int retentionHours,
                           boolean enabled) {

    /** Payload bytes per frame for the configured bitrate and rate (at least one byte). */
    public int frameBytes() {
        return Math.max(1, (int) ((long) bitrateKbps * 1000 / 8 / Math.max(1, fps)));
    }
}
