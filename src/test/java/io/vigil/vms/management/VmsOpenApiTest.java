package io.vigil.vms.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.vms.events.EventServer;
import io.vigil.vms.logs.LogServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document and the servers agree: every route a server answers is documented under
 * its tag, and every documented route of a tag is answered by that server. The servers start on a
 * pool that never connects (no database is needed to list routes).
 */
class VmsOpenApiTest {

    private static JsonNode document() throws Exception {
        try (InputStream in = VmsOpenApiTest.class.getResourceAsStream("/io/vigil/vms/openapi.json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    private static List<String> documented(JsonNode doc, String tag) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = doc.get("paths").fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
                Map.Entry<String, JsonNode> op = m.next();
                if (op.getValue().get("tags").toString().contains("\"" + tag + "\"")) {
                    out.add(op.getKey().toUpperCase() + " " + path.getKey());
                }
            }
        }
        return List.copyOf(new TreeSet<>(out));
    }

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
        JsonNode doc = document();
        try (Store nowhere = Store.open("jdbc:postgresql://127.0.0.1:1/none", "nobody", "x", 1);
             ManagementServer m = ManagementServer.start(nowhere, Clock.systemUTC(), "n", "127.0.0.1", 0);
             EventServer e = EventServer.start(nowhere, Clock.systemUTC(), "n", "127.0.0.1", 0);
             LogServer l = LogServer.start(nowhere, Clock.systemUTC(), "n", "127.0.0.1", 0)) {
            assertThat(m.routes()).containsExactlyElementsOf(documented(doc, "management"));
            assertThat(e.routes()).containsExactlyElementsOf(documented(doc, "events"));
            assertThat(l.routes()).containsExactlyElementsOf(documented(doc, "logs"));

            HttpResponse<String> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + e.port() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(served.body())).isEqualTo(doc);
        }
    }

    @Test
    void everySchemaReferenceResolves() throws Exception {
        JsonNode doc = document();
        List<String> refs = doc.findValuesAsText("$ref");
        assertThat(refs).isNotEmpty();
        for (String r : refs) {
            assertThat(doc.at(r.substring(1)).isMissingNode()).as(r).isFalse();
        }
    }
}
