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

    /**
     * How the failover coordinator deals with this server (issue 14): {@code coordinatorToken} the
     * bearer token its calls carry (null: it cannot watch or command this server); {@code failover}
     * true for a failover recording server, which records only what a cover tells it and reads no
     * configuration of its own.
     */
    public record Role(String coordinatorToken, boolean failover) {
        public static final Role PLAIN = new Role(null, false);

        @Override
        public String toString() {
            return "Role[failover=" + failover + "]"; // never the token
        }
    }

    private final String name;
    private final byte[] apiToken;
    private final byte[] coordinatorToken;
    private final SegmentStore store;
    private final Recorder recorder;
    private final ConfigSync sync;
    private final Merger merger;
    private final FailoverMode failoverMode;
    private final RecordingHttp http;

    private RecordingServer(Options o, Role role, java.util.function.Function<URI, MergeSource> sources)
            throws IOException {
        this.name = o.name();
        this.apiToken = bytes(o.apiToken());
        this.coordinatorToken = bytes(role.coordinatorToken());
        if (apiToken == null) {
            LOG.warn("no --api-token-file: anyone who reaches port {} can watch live video and playback;"
                    + " keep it on a private network or set a token", o.port());
        }
        this.store = SegmentStore.open(o.storage(), o.segmentMillis(), o.segmentBytes(), Clock.systemUTC());
        this.recorder = new Recorder(store);
        this.sync = role.failover() ? null : new ConfigSync(new ManagementClient(o.managementUrl(), o.user(),
                o.password()), o.name(), o.storage(), recorder, o.pollMillis());
        this.failoverMode = role.failover() ? new FailoverMode(recorder) : null;
        this.merger = new Merger(store, o.storage(), o.segmentBytes(),
                sources != null ? sources : uri -> new HttpMergeSource(uri, coordinatorToken != null ? coordinatorToken : apiToken), Clock.systemUTC());
        this.http = new RecordingHttp(this, o.bind(), o.port());
    }

    private static byte[] bytes(String token) {
        return token == null ? null : token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static RecordingServer start(Options o) throws IOException {
        return start(o, Role.PLAIN);
    }

    public static RecordingServer start(Options o, Role role) throws IOException {
        return start(o, role, null);
    }

    /** With {@code sources} a test reads a merge's source its own way; null reads it over HTTP. */
    static RecordingServer start(Options o, Role role, java.util.function.Function<URI, MergeSource> sources)
            throws IOException {
        RecordingServer s = new RecordingServer(o, role, sources);
        s.merger.resume();
        if (s.sync != null) {
            s.sync.start();
            LOG.info("recording server '{}' on {}:{}, storage {}, management server {}", o.name(), o.bind(), s.port(),
                    o.storage(), o.managementUrl());
        } else {
            LOG.info("failover recording server '{}' on {}:{}, storage {}: idle until the coordinator gives it"
                    + " a recording server to cover", o.name(), o.bind(), s.port(), o.storage());
        }
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

    /** The coordinator's bearer token, or null when this server takes no coordinator calls. */
    byte[] coordinatorToken() {
        return coordinatorToken == null ? null : coordinatorToken.clone();
    }

    /** The cover of a failover server; null for a plain recording server. */
    FailoverMode failoverMode() {
        return failoverMode;
    }

    /** The bearer token the API asks for, or null when it is open. */
    byte[] apiToken() {
        return apiToken == null ? null : apiToken.clone();
    }

    String configProblem() {
        return sync == null ? null : sync.problem();
    }

    @Override
    public void close() {
        if (sync != null) {
            sync.close();
        }
        merger.close();
        http.close();
        recorder.close();
        store.close();
    }
}
