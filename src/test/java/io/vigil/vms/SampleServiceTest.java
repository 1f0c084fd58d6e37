package io.vigil.vms;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The record endpoints the chaos run writes through. */
class SampleServiceTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anAcknowledgedRecordIsInTheNodesFile() throws Exception {
        Path file = dir.resolve("data/records.log");
        server = SampleService.serve("Management server", "node2", "127.0.0.1", 0, new RecordStore(file));
        assertThat(send("POST", "/append?n=7")).isEqualTo("200 ack node2 7\n");
        assertThat(send("POST", "/append?n=8")).isEqualTo("200 ack node2 8\n");
        assertThat(Files.readString(file)).isEqualTo("7\n8\n");
        assertThat(send("GET", "/records")).isEqualTo("200 7\n8\n");
    }

    @Test
    void badRequestsStoreNothing() throws Exception {
        Path file = dir.resolve("records.log");
        server = SampleService.serve("Management server", "node1", "127.0.0.1", 0, new RecordStore(file));
        assertThat(send("POST", "/append?n=x")).startsWith("400 expected POST /append?n=");
        assertThat(send("POST", "/append")).startsWith("400 ");
        assertThat(send("GET", "/append?n=3")).startsWith("405 ");
        assertThat(Files.readString(file)).isEmpty();
    }

    @Test
    void withoutADataFileThereAreNoRecordEndpoints() throws Exception {
        server = SampleService.serve("Event server", "node1", "127.0.0.1", 0, null);
        assertThat(send("POST", "/append?n=1")).doesNotContain("ack");
    }

    private String send(String method, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        return resp.statusCode() + " " + resp.body();
    }
}
