package io.vigil.vms.recording;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The reference VMS's recording server (issue 13, SPEC §10): records its devices into the segment
 * store at its storage folder, serves live and playback over HTTP, and takes its configuration
 * from the management server ({@link ConfigSync}).
 */
public final class RecordingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingServer.class);

    /** Everything a recording server is started with; {@code port} 0 picks a free port (tests). */
    public record Options(String name, String bind, int port, Path storage, URI managementUrl, String user,
                          String password, long pollMillis, long segmentMillis, long segmentBytes, String apiToken) {
        @Override
        public String toString() {
            return "Options[name=" + name + ", port=" + port + ", storage=" + storage + ", management=" + managementUrl
                    + ", user=" + user + "]"; // never the password
        }
    }

    private final String name;
    private final byte[] apiToken;
    private final SegmentStore store;
    private final Recorder recorder;
    private final ConfigSync sync;
    private final Merger merger;
    private final RecordingHttp http;

    private RecordingServer(Options o, java.util.function.Function<URI, MergeSource> sources) throws IOException {
        this.name = o.name();
        this.apiToken = o.apiToken() == null ? null : o.apiToken().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (apiToken == null) {
            LOG.warn("no --api-token-file: anyone who reaches port {} can watch live video and playback;"
                    + " keep it on a private network or set a token", o.port());
        }
        this.store = SegmentStore.open(o.storage(), o.segmentMillis(), o.segmentBytes(), Clock.systemUTC());
        this.recorder = new Recorder(store);
        this.sync = new ConfigSync(new ManagementClient(o.managementUrl(), o.user(), o.password()), o.name(),
                o.storage(), recorder, o.pollMillis());
        this.merger = new Merger(store, o.storage(), o.segmentBytes(),
                sources != null ? sources : uri -> new HttpMergeSource(uri, apiToken), Clock.systemUTC());
        this.http = new RecordingHttp(this, o.bind(), o.port());
    }

    public static RecordingServer start(Options o) throws IOException {
        return start(o, null);
    }

    /** With {@code sources} a test reads a merge's source its own way; null reads it over HTTP. */
    static RecordingServer start(Options o, java.util.function.Function<URI, MergeSource> sources) throws IOException {
        RecordingServer s = new RecordingServer(o, sources);
        s.merger.resume();
        s.sync.start();
        LOG.info("recording server '{}' on {}:{}, storage {}, management server {}", o.name(), o.bind(), s.port(),
                o.storage(), o.managementUrl());
        return s;
    }

    public int port() {
        return http.port();
    }

    String name() {
        return name;
    }

    SegmentStore store() {
        return store;
    }

    Merger merger() {
        return merger;
    }

    Recorder recorder() {
        return recorder;
    }

    /** The bearer token the API asks for, or null when it is open. */
    byte[] apiToken() {
        return apiToken == null ? null : apiToken.clone();
    }

    String configProblem() {
        return sync.problem();
    }

    @Override
    public void close() {
        sync.close();
        merger.close();
        http.close();
        recorder.close();
        store.close();
    }
}
