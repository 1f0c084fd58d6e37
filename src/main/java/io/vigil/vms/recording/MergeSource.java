package io.vigil.vms.recording;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where a merge reads from: the failover server that recorded while this one was down (issue 14).
 * Over HTTP in production ({@link HttpMergeSource}); a test may read a store on disk directly.
 */
interface MergeSource {
    /** The source's segments of the device overlapping [from, to] by capture time; empty if it has none. */
    List<SegmentInfo> segments(long deviceId, long fromMillis, long toMillis) throws IOException;

    /** The bytes of the segment starting at {@code firstSeq}, from {@code offset} to its last whole frame. */
    InputStream segment(long deviceId, long firstSeq, long offset) throws IOException;

    /** The frames captured in [from, to] in {@link FrameCodec}'s format, as playback serves them. */
    InputStream playback(long deviceId, long fromMillis, long toMillis) throws IOException;

    /** Where it is, for messages. */
    String describe();
}
