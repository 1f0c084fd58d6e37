package io.vigil.vms.recording;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A recording server whose management server is unreachable starts from its saved configuration,
 * fills a real small disk, says so on /health, and records again when space returns.
 */
class HealthAlarmTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    Path tmp;
    private Path disk;
    private RecordingServer server;

    @BeforeEach
    void mount() throws Exception {
        disk = Files.createDirectory(tmp.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        assumeTrue(p.waitFor() == 0, "mounting a tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        if (server != null) {
            server.close();
        }
        new ProcessBuilder("umount", disk.toString()).start().waitFor();
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode h = ManagementClient.MAPPER.readTree(r.body());
        assertThat(r.statusCode()).isEqualTo(h.get("status").asText().equals("ok") ? 200 : 503);
        return h;
    }

    @Test
    void aFullDiskShowsOnHealthAndRecordingResumesWhenSpaceReturns() throws Exception {
        ManagementClient.Snapshot saved = new ManagementClient.Snapshot(1, "rec1", true,
                List.of(new DeviceConfig(7, "Cam 7", "simulated", null, 10, 800, 1, true)));
        Files.write(disk.resolve(ConfigSync.FILE), ManagementClient.MAPPER.writeValueAsBytes(saved));
        Path filler = disk.resolve("filler");
        Files.write(filler, new byte[128 * 1024]);
        server = RecordingServer.start(new RecordingServer.Options("rec1", "127.0.0.1", 0, disk,
                URI.create("http://127.0.0.1:9"), "rec", "pw", 60_000, 60_000, 64L << 20, null));

        await("the disk fills").atMost(Duration.ofSeconds(60)).until(() -> health().get("status").asText()
                .equals("storage-alarm"));
        JsonNode h = health();
        assertThat(h.get("storage").asText()).isEqualTo("cannot write to " + disk.resolve("devices")
                + ": No space left on device; frames are dropped until a write succeeds:"
                + " free space or lower the devices' retentionHours");
        assertThat(h.get("management").asText()).isEqualTo("the management server is unreachable (ConnectException)");
        assertThat(h.get("recordingDevices").asInt()).as("recording from the saved configuration").isEqualTo(1);

        Files.delete(filler);
        await("recording resumes").atMost(Duration.ofSeconds(60)).until(() -> health().get("status").asText()
                .equals("ok"));
        long before = server.store().lastSequence(7);
        await("frames are stored again").atMost(Duration.ofSeconds(60))
                .until(() -> server.store().lastSequence(7) > before);
    }
}
