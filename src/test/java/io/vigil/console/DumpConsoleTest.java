package io.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.security.PrivateFiles;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Support dumps from the console of a real node (SPEC §2, §5): behind the login, written on the
 * node with none of the secrets its configuration holds, and carried by the snapshot zip.
 */
class DumpConsoleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDumpNeedsALoginHoldsNoSecretOfTheConfigurationAndTravelsInTheSnapshot() throws Exception {
        Path secrets = Files.createTempDirectory("vigil-dump-secrets");
        String hookSecret = random(32);
        String community = "comm-" + random(8);
        String agentCommunity = "agent-" + random(8);
        PrivateFiles.writeString(secrets.resolve("hook.key"), hookSecret + "\n");
        PrivateFiles.writeString(secrets.resolve("community"), community + "\n");
        PrivateFiles.writeString(secrets.resolve("agent-community"), agentCommunity + "\n");
        int agentPort;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0)) {
            agentPort = probe.getLocalPort();
        }
        String extra = "  protocol: http\nnotifications:\n  webhooks:\n    - url: http://127.0.0.1:" + OneNode.freeTcp()
                + "/hook\n      secretFile: " + secrets.resolve("hook.key") + "\n  snmp:\n    - host: 127.0.0.1\n"
                + "      port: " + OneNode.freeTcp() + "\n      communityFile: " + secrets.resolve("community") + "\n"
                + "  snmpAgent:\n    bindAddress: 127.0.0.1\n    port: " + agentPort + "\n    communityFile: "
                + secrets.resolve("agent-community") + "\n";
        try (OneNode node = OneNode.start(Path.of("target/dump-console").toAbsolutePath(), extra, "http")) {
            Path support = node.dir.resolve("node1/support");
            assertThat(agentAnswersNodeId(agentPort, agentCommunity)).as("the node's SNMP agent is up").isEqualTo(1);
            ApiClient anonymous = new ApiClient(node.base);
            assertThat(anonymous.post("/api/nodes/1/dump", "", true).statusCode()).isEqualTo(401);
            assertThat(anonymous.get("/api/nodes/1/dumps").statusCode()).isEqualTo(401);
            ApiClient admin = new ApiClient(node.base).login(node.password);
            assertThat(admin.post("/api/nodes/1/dump", "", false).statusCode()).as("no CSRF token").isEqualTo(403);
            assertThat(dumpFolders(support)).as("refused requests wrote nothing").isEmpty();

            HttpResponse<String> made = admin.post("/api/nodes/1/dump", "", true);
            assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
            JsonNode dump = JSON.readTree(made.body());
            assertThat(dump.get("reason").asText()).startsWith("operator admin (console, ");
            assertThat(dumpFolders(support)).containsExactly(dump.get("name").asText());
            JsonNode listed = admin.json("/api/nodes/1/dumps").get("dumps");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).get("name").asText()).isEqualTo(dump.get("name").asText());
            assertThat(admin.get("/api/nodes/2/dumps").statusCode()).as("the peer is not running").isEqualTo(502);

            List<String> secretsSet = List.of(clusterKey(node), hookSecret, community, agentCommunity, node.password);
            try (Stream<Path> files = Files.walk(support)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertNoSecret(f.toString(), Files.readString(f), secretsSet);
                }
            }
            assertThat(Files.readString(Path.of(dump.get("path").asText()).resolve("configuration.yaml")))
                    .contains("<redacted>").contains(secrets.resolve("hook.key").toString());

            List<String> entries = new ArrayList<>();
            HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(admin.builder("/api/nodes/1/snapshot").GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(zip.statusCode()).isEqualTo(200);
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    entries.add(e.getName());
                    assertNoSecret(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8), secretsSet);
                }
            }
            String name = dump.get("name").asText();
            assertThat(entries).contains("kept/" + name + "/threads.txt", "kept/" + name + "/state.json",
                    "kept/" + name + "/module.log", "kept/" + name + "/configuration.yaml")
                    .anyMatch(e -> e.matches("kept/configuration_\\d{8}_\\d{6}(-\\d+)?\\.yaml"));
        }
    }

    /** vigilNodeId.0 from the daemon's agent (notifications.snmpAgent), asked with snmp4j. */
    private static int agentAnswersNodeId(int port, String community) throws Exception {
        try (org.snmp4j.Snmp snmp = new org.snmp4j.Snmp(new org.snmp4j.transport.DefaultUdpTransportMapping())) {
            snmp.listen();
            var target = new org.snmp4j.CommunityTarget<>(new org.snmp4j.smi.UdpAddress(
                    java.net.InetAddress.getLoopbackAddress(), port), new org.snmp4j.smi.OctetString(community));
            target.setVersion(org.snmp4j.mp.SnmpConstants.version2c);
            target.setTimeout(5_000);
            target.setRetries(2);
            org.snmp4j.PDU get = new org.snmp4j.PDU();
            get.add(new org.snmp4j.smi.VariableBinding(new org.snmp4j.smi.OID("1.3.6.1.4.1.32473.7.3.1.0")));
            org.snmp4j.PDU r = snmp.send(get, target).getResponse();
            assertThat(r).as("an answer from the agent on UDP " + port).isNotNull();
            return r.get(0).getVariable().toInt();
        }
    }

    private static void assertNoSecret(String where, String text, List<String> secrets) {
        for (String s : secrets) {
            assertThat(text).as(where).doesNotContain(s).doesNotContain(s.toUpperCase(Locale.ROOT));
        }
    }

    private static List<String> dumpFolders(Path support) throws Exception {
        if (!Files.isDirectory(support)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(support)) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("dump_")).toList();
        }
    }

    private static String clusterKey(OneNode node) throws Exception {
        Matcher m = Pattern.compile("key: \"([0-9a-f]{64})\"").matcher(Files.readString(node.dir.resolve("node1.yaml")));
        assertThat(m.find()).as("the test configuration holds the cluster key inline").isTrue();
        return m.group(1);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
