package io.vigil.vms.recording;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Playback while a merge is not done (issue 14: "playback of the incident works at every
 * moment"): this store's frames and the source's for the merge's range, interleaved by sequence
 * number as both are read, a frame held by both served once (from here). Nothing is buffered beyond
 * one frame of the source. If the source cannot be reached, what is here is served and
 * {@link #note()} says so.
 */
final class StitchedPlayback implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StitchedPlayback.class);

    /** The source to stitch from and the part of the requested range it covers. */
    record Stitch(MergeSource source, long fromMillis, long toMillis) {
    }

    private final SegmentStore store;
    private final long deviceId;
    private final long from;
    private final long to;
    private final String note;
    private final MergeSource source;
    private InputStream raw;
    private DataInputStream in;
    private Frame head;

    private StitchedPlayback(SegmentStore store, long deviceId, long from, long to, Stitch stitch) {
        this.store = store;
        this.deviceId = deviceId;
        this.from = from;
        this.to = to;
        this.source = stitch == null ? null : stitch.source();
        String n = null;
        if (stitch != null) {
            try {
                raw = stitch.source().playback(deviceId, stitch.fromMillis(), stitch.toMillis());
                in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
                n = "merge pending: frames not merged yet come from " + source.describe();
            } catch (IOException e) {
                n = "merge pending and its source " + source.describe() + " unreachable (" + e.getMessage()
                        + "): frames recorded there are missing";
            }
        }
        this.note = n;
    }

    /** Opens playback of [from, to]; {@code merger} says whether and where to stitch. */
    static StitchedPlayback open(SegmentStore store, Merger merger, long deviceId, long fromMillis, long toMillis) {
        return new StitchedPlayback(store, deviceId, fromMillis, toMillis, merger.stitch(deviceId, fromMillis, toMillis));
    }

    /** Null when playback comes from this store alone, else what the client should know. */
    String note() {
        return note;
    }

    /** Passes every frame in order of sequence number to {@code sink}. */
    void read(Consumer<Frame> sink) throws IOException {
        pull();
        store.read(deviceId, from, to, f -> {
            while (head != null && head.sequence() < f.sequence()) {
                sink.accept(head);
                pull();
            }
            if (head != null && head.sequence() == f.sequence()) {
                pull();
            }
            sink.accept(f);
        });
        while (head != null) {
            sink.accept(head);
            pull();
        }
    }

    private void pull() {
        if (in == null) {
            head = null;
            return;
        }
        try {
            head = FrameCodec.read(in);
        } catch (IOException e) {
            LOG.warn("stitched playback of device {}: the source {} broke off ({}); serving what is here",
                    deviceId, source.describe(), e.getMessage());
            head = null;
            in = null;
        }
    }

    @Override
    public void close() throws IOException {
        if (raw != null) {
            raw.close();
        }
    }
}
