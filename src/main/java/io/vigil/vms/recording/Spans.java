package io.vigil.vms.recording;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded spans of a device: runs of segments whose sequence numbers follow on without a
 * gap. A span ends where frames were lost (a crash, a full disk, the camera off), which is what a
 * person looking for footage needs to see.
 */
final class Spans {
    private Spans() {
    }

    static List<Map<String, Object>> of(List<SegmentInfo> segments) {
        List<Map<String, Object>> out = new ArrayList<>();
        SegmentInfo start = null;
        SegmentInfo prev = null;
        long frames = 0;
        for (SegmentInfo s : segments) {
            if (prev != null && s.firstSeq() != prev.lastSeq() + 1) {
                out.add(span(start, prev, frames));
                start = null;
            }
            if (start == null) {
                start = s;
                frames = 0;
            }
            frames += s.frames();
            prev = s;
        }
        if (start != null) {
            out.add(span(start, prev, frames));
        }
        return out;
    }

    private static Map<String, Object> span(SegmentInfo first, SegmentInfo last, long frames) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", Instant.ofEpochMilli(first.firstMillis()).toString());
        m.put("to", Instant.ofEpochMilli(last.lastMillis()).toString());
        m.put("firstSeq", first.firstSeq());
        m.put("lastSeq", last.lastSeq());
        m.put("frames", frames);
        return m;
    }
}
