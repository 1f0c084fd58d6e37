package io.vigil.vms.recording;

/**
 * One video frame as a camera delivered it: the device, its sequence number (one more than the
 * previous frame of the same device, so a gap in playback shows exactly what was lost), the capture
 * time (milliseconds since the epoch) and the encoded picture.
 */
public record Frame(long deviceId, long sequence, long captureMillis, byte[] payload) {
    public Frame {
        if (payload == null) {
            throw new IllegalArgumentException("a frame needs a payload");
        }
    }
}
