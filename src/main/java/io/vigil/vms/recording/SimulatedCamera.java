package io.vigil.vms.recording;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A camera that emits {@code fps} frames a second of {@link DeviceConfig#frameBytes()} bytes each
 * (the configured bitrate), numbered from {@code firstSeq}. Frames are due on a fixed schedule
 * (start + n / fps), so a late frame does not shift the ones after it. With {@code fps <= 0} it
 * emits as fast as the sink takes them (the ingest benchmark's load).
 */
public final class SimulatedCamera implements Camera {
    private final Thread thread;
    private volatile boolean running = true;

    public SimulatedCamera(long deviceId, int fps, int frameBytes, long firstSeq, Sink sink) {
        byte[] noise = new byte[frameBytes];
        new SplittableRandom(deviceId).nextBytes(noise);
        thread = new Thread(() -> run(deviceId, fps, noise, firstSeq, sink), "camera-" + deviceId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(long deviceId, int fps, byte[] noise, long firstSeq, Sink sink) {
        long start = System.nanoTime();
        for (long n = 0; running; n++) {
            if (fps > 0) {
                long due = start + n * 1_000_000_000L / fps;
                for (long wait = due - System.nanoTime(); wait > 0 && running; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
            }
            sink.frame(new Frame(deviceId, firstSeq + n, System.currentTimeMillis(), picture(noise, firstSeq + n)));
        }
    }

    /** The payload: the sequence number first (so each frame differs), then the camera's noise. */
    private static byte[] picture(byte[] noise, long seq) {
        byte[] p = noise.clone();
        if (p.length >= Long.BYTES) {
            ByteBuffer.wrap(p).putLong(seq);
        }
        return p;
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
