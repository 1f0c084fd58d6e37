package io.vigil.witness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The witness's configuration file:
 * <pre>
 * bindAddress: 0.0.0.0      # default
 * port: 4850                # default
 * stateDir: /var/lib/vigil-witness
 * maxLeaseMs: 10000         # longest lease granted; also the quiet period after a restart
 * clusters:
 *   - name: site-a
 *     key: "&lt;the cluster's witness key, hex&gt;"   # or keyFile: path; `vigil key witness` prints it
 * </pre>
 * The witness holds only each cluster's witness key, never its cluster key (issue 10 item 5): the
 * witness key signs lease messages and nothing else.
 */
public record WitnessConfig(String bindAddress, int port, Path stateDir, long maxLeaseMs, Map<String, byte[]> keys) {

    private static final Set<String> TOP = Set.of("bindAddress", "port", "stateDir", "maxLeaseMs", "clusters");

    public static WitnessConfig load(Path file) throws ConfigException {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot read the witness configuration (" + e.getClass().getSimpleName()
                    + ")", "Check that the file exists and is YAML");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(file, "", "the file is empty or not a YAML mapping", "See `vigil witness --help`");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!TOP.contains(k)) {
                throw new ConfigException(file, k, "unknown key", "Known keys: " + TOP);
            }
        }
        Path base = file.toAbsolutePath().getParent();
        String bind = root.path("bindAddress").asText("0.0.0.0");
        if (bind.contains(":")) {
            throw new ConfigException(file, "bindAddress", "IPv6 is not supported", "Use an IPv4 address");
        }
        int port = root.path("port").asInt(4850);
        if (port < 1 || port > 65535) {
            throw new ConfigException(file, "port", "must be 1-65535, was " + port, "Pick a free UDP port");
        }
        if (!root.hasNonNull("stateDir")) {
            throw new ConfigException(file, "stateDir", "is required", "Name a folder where the witness keeps epochs");
        }
        Path state = base.resolve(root.get("stateDir").asText());
        long maxLease = root.path("maxLeaseMs").asLong(10_000);
        if (maxLease < 100 || maxLease > 600_000) {
            throw new ConfigException(file, "maxLeaseMs", "must be 100..600000, was " + maxLease,
                    "Use at least the nodes' heartbeat timeout");
        }
        return new WitnessConfig(bind, port, state, maxLease, clusters(file, base, root.path("clusters")));
    }

    private static Map<String, byte[]> clusters(Path file, Path base, JsonNode list) throws ConfigException {
        if (!list.isArray() || list.isEmpty()) {
            throw new ConfigException(file, "clusters", "must list at least one cluster (name + key)",
                    "For each cluster, its name and the output of `vigil key witness` on one of its nodes");
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String at = "clusters[" + i + "]";
            String name = c.path("name").asText("");
            if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new ConfigException(file, at + ".name", "must match [A-Za-z0-9_-]{1,32}", "Use the cluster's name");
            }
            String hex;
            try {
                hex = c.hasNonNull("key") ? c.get("key").asText()
                        : c.hasNonNull("keyFile") ? Files.readString(base.resolve(c.get("keyFile").asText())).trim() : null;
            } catch (IOException e) {
                throw new ConfigException(file, at + ".keyFile", "cannot be read", "Check the path and permissions");
            }
            checkPrivate(file, c.hasNonNull("key") ? file : base.resolve(c.path("keyFile").asText()), at);
            if (hex == null || !hex.matches("[0-9a-fA-F]{32,}")) {
                throw new ConfigException(file, at + ".key", "must be the cluster's witness key: at least 32 hex"
                        + " characters", "Run `vigil key witness` on a node of cluster '" + name + "' and paste its output");
            }
            if (keys.put(name, HexFormat.of().parseHex(hex)) != null) {
                throw new ConfigException(file, at + ".name", "cluster '" + name + "' is listed twice", "List it once");
            }
        }
        return Map.copyOf(keys);
    }

    /** Issue 10 item 7: a key other local users can read would let them speak for a cluster. */
    private static void checkPrivate(Path file, Path holder, String at) throws ConfigException {
        try {
            var problem = io.vigil.security.PrivateFiles.keyExposure(holder);
            if (problem.isPresent()) {
                throw new ConfigException(file, holder.equals(file) ? at + ".key" : at + ".keyFile", problem.get(), null);
            }
        } catch (IOException e) {
            throw new ConfigException(file, at + ".keyFile", "cannot be read", "Check the path and permissions");
        }
    }

    @Override
    public String toString() {
        return "WitnessConfig[" + bindAddress + ":" + port + ", stateDir=" + stateDir + ", maxLeaseMs=" + maxLeaseMs
                + ", clusters=" + keys.keySet() + "]";
    }
}
