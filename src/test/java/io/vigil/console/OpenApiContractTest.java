package io.vigil.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.api.CommandResult;
import io.vigil.api.LogPage;
import io.vigil.replication.ResyncEstimate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document is the contract of the REST API (issue 11): it lists exactly the routes
 * the code serves, the schemas of the records the API answers with are those derived from the
 * records themselves, and every answer of a real node, for every route, has a documented status
 * and matches its documented schema. A change to an answer record that is not carried into
 * openapi.json fails here; {@code -Dgolden.update=true} rewrites the derived schemas (review the
 * diff).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {
    private static final Path DOCUMENT = Path.of("src/main/resources/io/vigil/console/web/openapi.json");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The records answers are made of, and the schema name of those whose simple name says too little. */
    private static final List<Class<?>> ANSWER_RECORDS = List.of(ClusterView.Snapshot.class, CommandResult.class,
            LogPage.class, ResyncEstimate.class, io.vigil.api.DumpInfo.class);
    private static final Map<Class<?>, String> NAMES = Map.of(ClusterView.Snapshot.class, "Cluster");

    private OneNode node;
    private JsonNode doc;

    @BeforeAll
    void start() throws Exception {
        doc = JSON.readTree(DOCUMENT.toFile());
        node = OneNode.start(Path.of("target/openapi-contract").toAbsolutePath());
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theDocumentListsExactlyTheRoutesTheCodeServes() {
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            p.getValue().fieldNames().forEachRemaining(m -> {
                if (!m.equals("parameters")) {
                    documented.add(m.toUpperCase() + " " + p.getKey());
                }
            });
        }
        assertThat(documented).isEqualTo(new TreeSet<>(Api.endpoints()));
    }

    @Test
    void theAnswerRecordsSchemasAreDerivedFromTheRecords() throws Exception {
        OpenApiSchemas derived = new OpenApiSchemas(NAMES);
        ANSWER_RECORDS.forEach(derived::add);
        ObjectNode schemas = (ObjectNode) doc.path("components").path("schemas");
        if (Boolean.getBoolean("golden.update")) {
            derived.schemas().forEach(schemas::set);
            Files.writeString(DOCUMENT, JSON.writeValueAsString(doc) + "\n");
        }
        List<String> drifted = new ArrayList<>();
        derived.schemas().forEach((name, schema) -> {
            if (!schema.equals(schemas.get(name))) {
                drifted.add(name + ": the code says " + schema + ", the document " + schemas.get(name));
            }
        });
        assertThat(drifted).as("schemas in openapi.json that no longer match their records; rerun this test with"
                + " -Dgolden.update=true and review the diff").isEmpty();
    }

    @Test
    void everyRouteAnswersAsDocumented() throws Exception {
        ApiClient admin = new ApiClient(node.base).login(node.password);
        // One call per route, with values that exist; answers that depend on the node's state
        // (200 or 409) are both fine as long as each is documented with its body.
        conforms("POST", "/api/login", "/api/login", admin.post("/api/login",
                "{\"user\":\"admin\",\"password\":\"wrong\"}", false));
        conforms("GET", "/api/openapi.json", "/api/openapi.json", admin.get("/api/openapi.json"));
        conforms("GET", "/api/session", "/api/session", admin.get("/api/session"));
        conforms("GET", "/api/cluster", "/api/cluster", admin.get("/api/cluster"));
        conforms("GET", "/api/metrics", "/api/metrics", admin.get("/api/metrics"));
        conforms("POST", "/api/nodes/{id}/commands/{name}", "/api/nodes/1/commands/failover-on",
                admin.post("/api/nodes/1/commands/failover-on", "", true));
        conforms("POST", "/api/nodes/{id}/commands/{name}", "/api/nodes/1/commands/nonsense",
                admin.post("/api/nodes/1/commands/nonsense", "", true));
        conforms("POST", "/api/cluster/commands/{name}", "/api/cluster/commands/failover-on",
                admin.post("/api/cluster/commands/failover-on", "", true));
        conforms("GET", "/api/nodes/{id}/logs/{log}", "/api/nodes/1/logs/module?limit=5",
                admin.get("/api/nodes/1/logs/module?limit=5"));
        conforms("GET", "/api/nodes/{id}/logs/{log}", "/api/nodes/7/logs/module", admin.get("/api/nodes/7/logs/module"));
        conforms("GET", "/api/nodes/{id}/estimate", "/api/nodes/1/estimate", admin.get("/api/nodes/1/estimate"));
        conforms("GET", "/api/nodes/{id}/snapshot", "/api/nodes/1/snapshot", admin.get("/api/nodes/1/snapshot"));
        conforms("POST", "/api/nodes/{id}/dump", "/api/nodes/1/dump", admin.post("/api/nodes/1/dump", "", true));
        conforms("GET", "/api/nodes/{id}/dumps", "/api/nodes/1/dumps", admin.get("/api/nodes/1/dumps"));
        conforms("GET", "/api/nodes/{id}/dumps", "/api/nodes/2/dumps", admin.get("/api/nodes/2/dumps"));
        conforms("GET", "/api/events", "/api/events", firstBytesOfEvents(admin));
        conforms("POST", "/api/logout", "/api/logout", admin.post("/api/logout", "", true));
        conforms("GET", "/api/cluster", "/api/cluster (logged out)", admin.get("/api/cluster"));
    }

    /** The status is documented for the route and, for JSON, the body matches the documented schema. */
    private void conforms(String method, String template, String called, Answer answer) throws Exception {
        JsonNode responses = doc.path("paths").path(template).path(method.toLowerCase()).path("responses");
        JsonNode documented = responses.path(Integer.toString(answer.status()));
        assertThat(documented.isMissingNode()).as("%s %s answered %d, which openapi.json does not list for %s %s",
                method, called, answer.status(), method, template).isFalse();
        String type = answer.contentType();
        JsonNode content = documented.path("content");
        List<String> types = new ArrayList<>();
        content.fieldNames().forEachRemaining(types::add);
        String mediaType = type.replaceAll(";.*", "").trim();
        if (mediaType.isEmpty()) {
            assertThat(types).as("%s %s %d has no body; the document promises one", method, called,
                    answer.status()).isEmpty();
        } else {
            assertThat(types).as("%s %s %d: the content type", method, called, answer.status()).contains(mediaType);
        }
        if (type.startsWith("application/json")) {
            JsonNode schema = content.path("application/json").path("schema");
            assertThat(schema.isMissingNode()).as("%s %s %d answers JSON but openapi.json gives no schema", method,
                    called, answer.status()).isFalse();
            assertThat(OpenApiSchemas.validate(doc, schema, JSON.readTree(answer.body()), method + " " + called))
                    .as("%s %s %d: %s", method, called, answer.status(), answer.body()).isEmpty();
        }
    }

    private void conforms(String method, String template, String called, HttpResponse<String> r) throws Exception {
        conforms(method, template, called, new Answer(r.statusCode(),
                r.headers().firstValue("Content-Type").orElse(""), r.body()));
    }

    private record Answer(int status, String contentType, String body) { }

    /** GET /api/events streams forever: its status and content type, then the connection is dropped. */
    private Answer firstBytesOfEvents(ApiClient admin) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(node.base + "/api/events"))
                .header("Cookie", admin.cookie).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            assertThat(in.read()).as("the stream's first byte").isNotNegative();
        }
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), "");
    }
}
