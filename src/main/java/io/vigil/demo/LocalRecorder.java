package io.vigil.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.security.PrivateFiles;
import io.vigil.vms.management.ManagementApi;
import io.vigil.vms.recording.Frame;
import io.vigil.vms.recording.FrameCodec;
import io.vigil.vms.recording.RecordingMain;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One recording server of the reference VMS as its own process (not a cluster resource), with
 * simulated cameras, configured through the management server at the cluster address: what a site
 * runs on its recording machines. Used by the demo and the VMS failover tests.
 *
 * <p>{@link #provision} registers it, its cameras and its own account (role viewer: it only
 * reads its configuration) through the management API, and writes that account's random password
 * into a 0600 file for the process; nothing is passed on the command line but the file's path.
 */
public final class LocalRecorder implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path dir;
    private final int port;
    private final URI managementUrl;
    private final List<Long> devices;
    private Process process;

    private LocalRecorder(String name, Path dir, int port, URI managementUrl, List<Long> devices) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.managementUrl = managementUrl;
        this.devices = List.copyOf(devices);
    }

    /**
     * Registers recording server {@code name} (storage in {@code dir/storage}, a free port on
     * 127.0.0.1) with {@code cameras} simulated cameras of {@code fps} frames/s at {@code kbps},
     * and its account {@code name} (role viewer). Call {@link #start} to run it.
     *
     * @param admin an administrator's session at the cluster address
     */
    public static LocalRecorder provision(ManagementApi admin, Path dir, String name, int cameras, int fps, int kbps)
            throws IOException {
        PrivateFiles.createDirectories(dir.resolve("storage"));
        int port = freePort();
        String password = randomPassword();
        PrivateFiles.writeString(dir.resolve("password"), password + "\n");
        ManagementApi.expect(admin.send("POST", "/api/users", Map.of("name", name, "password", password,
                "role", "viewer"), null), 201, "creating the recording server's account '" + name + "'");
        JsonNode server = ManagementApi.expect(admin.send("POST", "/api/recording-servers", Map.of("name", name,
                "host", "127.0.0.1", "webPort", port, "storagePath", dir.resolve("storage").toAbsolutePath().toString()),
                null), 201, "registering recording server '" + name + "'").body();
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= cameras; i++) {
            JsonNode d = ManagementApi.expect(admin.send("POST", "/api/recording-servers/" + server.get("id").asLong()
                    + "/devices", Map.of("name", "Camera " + i, "kind", "simulated", "fps", fps, "bitrateKbps", kbps),
                    null), 201, "adding camera " + i).body();
            ids.add(d.get("id").asLong());
        }
        return new LocalRecorder(name, dir, port, admin.base(), ids);
    }

    /** Starts the recording server process; its output goes to {@code dir/recording.out}. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> cmd = new ArrayList<>(LocalCluster.vmsJavaCommand());
        cmd.addAll(List.of(RecordingMain.class.getName(), "--name", name, "--bind", "127.0.0.1",
                "--port", Integer.toString(port), "--storage", dir.resolve("storage").toAbsolutePath().toString(),
                "--management-url", managementUrl.toString(), "--user", name,
                "--password-file", dir.resolve("password").toAbsolutePath().toString(),
                "--poll-ms", "1000", "--segment-seconds", "5"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(PrivateFiles.touch(dir.resolve("recording.out")).toFile()))
                .start();
    }

    public List<Long> devices() {
        return devices;
    }

    public int port() {
        return port;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * How many frames of {@code device} are stored, less one: -1 before any (or while the server does
     * not answer). Counted over the spans, since sequence numbers follow the capture clock (they
     * start far from 0 and skip the frames of a downtime).
     */
    public long stored(long device) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url().resolve("/devices"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            for (JsonNode d : io.vigil.vms.management.Json.MAPPER.readTree(r.body())) {
                JsonNode spans = d.path("spans");
                if (d.path("id").asLong() == device) {
                    long frames = 0;
                    for (JsonNode span : spans) {
                        frames += span.path("lastSeq").asLong() - span.path("firstSeq").asLong() + 1;
                    }
                    return frames - 1;
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Every frame of {@code device} captured between {@code fromMillis} and {@code toMillis}, in order. */
    public List<Frame> playback(long device, long fromMillis, long toMillis) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(url().resolve("/devices/" + device
                        + "/playback/frames?from=" + fromMillis + "&to=" + toMillis)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("playback of device " + device + " answered " + r.statusCode() + ": "
                    + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        List<Frame> frames = new ArrayList<>();
        FrameCodec.readAll(new ByteArrayInputStream(r.body()), frames::add);
        return frames;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null) {
            process.destroy(); // TERM: it closes its segments
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
