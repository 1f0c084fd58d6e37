package io.vigil.vms.recording;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A device as the management server describes it ({@code GET /api/recording-servers/{id}/devices}).
 * Fields the management server may add later are ignored, so an older recording server keeps working.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceConfig(long id, String name, String kind, String url, int fps, int bitrateKbps, int retentionHours,
                           boolean enabled) {

    /**
     * Why this recording server will not record the device as configured, or null. The management
     * server checks the same ranges; checking again here means a bad or hostile answer (fps 0 would
     * make a simulated camera write as fast as the disk takes it) is refused, not obeyed.
     */
    public String problem() {
        if (fps < 1 || fps > 120) {
            return "fps " + fps + " is not between 1 and 120; fix the device in the management server";
        }
        if (bitrateKbps < 16 || bitrateKbps > 100_000) {
            return "bitrateKbps " + bitrateKbps + " is not between 16 and 100000; fix the device in the management server";
        }
        if (retentionHours < 1) {
            return "retentionHours " + retentionHours + " is below 1; fix the device in the management server";
        }
        if ("mjpeg".equals(kind)) {
            try {
                java.net.URI u = new java.net.URI(url);
                if (!"http".equals(u.getScheme()) || u.getHost() == null) {
                    return "url '" + url + "' is not an http:// address of a camera";
                }
            } catch (java.net.URISyntaxException | NullPointerException e) {
                return "url '" + url + "' is not an http:// address of a camera";
            }
        }
        return null;
    }

    /** Payload bytes per frame for the configured bitrate and rate (at least one byte). */
    public int frameBytes() {
        return Math.max(1, (int) ((long) bitrateKbps * 1000 / 8 / Math.max(1, fps)));
    }
}
