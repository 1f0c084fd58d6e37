package io.vigil.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigil.core.BootMode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * YAML text to the record tree: syntax, types, unknown and missing keys, defaults. Value rules
 * and cross-references are {@link ConfigValidator}'s job, so a tree built in code (the setup
 * wizard) is checked the same way.
 */
final class ConfigReader {

    static final Set<String> TOP = Set.of(ConfigFormat.KEY, "cluster", "node", "peer", "admin", "heartbeat", "witness", "vip",
            "failover", "boot", "restart", "resources", "logs", "events", "notifications",
            "database", "replication", "console");

    private static final YAMLMapper MAPPER = YAMLMapper.builder(new YAMLFactory())
            // A key written twice is almost always a paste mistake; last-one-wins would hide it.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path file;
    private final Path base;

    private ConfigReader(Path file) {
        this.file = file;
        this.base = file.toAbsolutePath().getParent();
    }

    static VigilConfig read(Path file) throws ConfigException {
        return new ConfigReader(file.toAbsolutePath().normalize()).parse();
    }

    private VigilConfig parse() throws ConfigException {
        YamlNode root = new YamlNode(file, "", tree()).mapping(TOP);
        ConfigFormat.of(root, file); // every older format reads as it is; a newer one is refused
        ClusterSection cluster = cluster(root.required("cluster"));
        NodeSection node = node(root.required("node"));
        HeartbeatSection heartbeat = heartbeat(root.required("heartbeat"));
        String firstPeer = heartbeat.networks().isEmpty() ? "127.0.0.1" : heartbeat.networks().get(0).peer();
        String firstLocal = heartbeat.networks().isEmpty() ? "127.0.0.1" : heartbeat.networks().get(0).local();
        RestartSection restart = root.child("restart").isPresent()
                ? restart(root.child("restart").get()) : new RestartSection(3, 300_000);
        List<ResourceSection> resources = new ArrayList<>();
        for (YamlNode r : root.list("resources")) {
            resources.add(resource(r));
        }
        return new VigilConfig(cluster, node,
                peer(root.child("peer"), node.peerId(), firstPeer),
                admin(root.child("admin"), firstLocal),
                heartbeat,
                root.child("witness").isPresent() ? witness(root.child("witness").get()) : null,
                root.child("vip").isPresent() ? vip(root.child("vip").get()) : null,
                failover(root.child("failover")),
                boot(root),
                restart, resources,
                logs(root.child("logs")),
                root.child("database").isPresent() ? database(root.child("database").get(), node, heartbeat) : null,
                root.child("replication").isPresent()
                        ? ReplicationReader.read(root.child("replication").get(), node.id(), heartbeat) : null,
                root.child("console").isPresent() ? console(root.child("console").get(), node) : null,
                root.child("events").isPresent() ? events(root.child("events").get()) : null,
                root.child("notifications").isPresent()
                        ? NotificationsReader.read(root.child("notifications").get(), base) : NotificationsSection.NONE,
                file);
    }

    private JsonNode tree() throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot read the file (" + e.getClass().getSimpleName() + ")",
                    "Check that it exists and that the vigil user may read it");
        }
        if (text.isBlank()) {
            throw new ConfigException(file, "", "the file is empty",
                    "Write the configuration (see the example in the documentation) or run the setup wizard");
        }
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode() || n.isNull()) {
                throw new ConfigException(file, "", "the file holds no settings (only comments?)",
                        "Write the configuration or run the setup wizard");
            }
            if (!n.isObject()) {
                throw new ConfigException(file, "", "not a YAML configuration: expected 'key: value' lines at the top",
                        "Check that this is the right file; it must start with 'cluster:'");
            }
            return n;
        } catch (JacksonException e) {
            // Only the location: YAML parser messages quote the offending line, which may hold the key.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " near line " + at.getLineNr() + ", column " + at.getColumnNr();
            String what = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "a key is written twice" : "not valid YAML";
            throw new ConfigException(file, "", what + where,
                    "Fix the syntax there (indent with spaces, not tabs; quote values containing ':' or '#')");
        }
    }

    private ClusterSection cluster(YamlNode c) throws ConfigException {
        c.mapping(Set.of("name", "key", "keyFile"));
        Optional<YamlNode> key = c.child("key");
        if (key.isPresent() && !key.get().raw().isTextual()) {
            // YAML reads an all-digit key as a number and drops leading zeros: refuse, do not guess.
            throw key.get().error(null, "the key was read as a number, not as text",
                    "Put the key in quotes: key: \"...\"");
        }
        return new ClusterSection(c.requiredString("name"), c.string("key", null), c.path("keyFile", base, null));
    }

    private NodeSection node(YamlNode n) throws ConfigException {
        n.mapping(Set.of("id", "dataDir", "logDir", "hostName"));
        n.required("id");
        int id = n.integer("id", 0);
        Path dataDir = base.resolve(n.requiredString("dataDir")).normalize();
        return new NodeSection(id, dataDir, n.path("logDir", base, dataDir.resolve("log")),
                n.string("hostName", localHostName()));
    }

    private static PeerSection peer(Optional<YamlNode> p, int peerId, String firstPeer) throws ConfigException {
        if (p.isEmpty()) {
            return new PeerSection("node" + peerId, firstPeer, 6259);
        }
        YamlNode n = p.get().mapping(Set.of("hostName", "adminAddress", "adminPort"));
        return new PeerSection(n.string("hostName", "node" + peerId), n.string("adminAddress", firstPeer),
                n.integer("adminPort", 6259));
    }

    /**
     * Issue 12: the TCP channel serves the peer only, so by default it listens where the peer
     * dials, this node's address on the first heartbeat network (127.0.0.1 could never be reached).
     */
    private AdminSection admin(Optional<YamlNode> a, String firstLocal) throws ConfigException {
        if (a.isEmpty()) {
            return new AdminSection(firstLocal, 6259, null);
        }
        YamlNode n = a.get().mapping(Set.of("bindAddress", "port", "socket"));
        return new AdminSection(n.string("bindAddress", firstLocal), n.integer("port", 6259),
                n.path("socket", base, null));
    }

    private static HeartbeatSection heartbeat(YamlNode h) throws ConfigException {
        h.mapping(Set.of("intervalMs", "timeoutMs", "basePort", "networks"));
        h.required("networks");
        List<HeartbeatSection.Network> nets = new ArrayList<>();
        for (YamlNode net : h.list("networks")) {
            net.mapping(Set.of("local", "peer"));
            nets.add(new HeartbeatSection.Network(net.requiredString("local"), net.requiredString("peer")));
        }
        return new HeartbeatSection(h.number("intervalMs", 1000), h.number("timeoutMs", 3000),
                h.integer("basePort", 8888), nets);
    }

    private static VipSection vip(YamlNode v) throws ConfigException {
        v.mapping(Set.of("address", "interface"));
        return new VipSection(v.requiredString("address"), v.string("interface", null));
    }

    private static WitnessSection witness(YamlNode w) throws ConfigException {
        w.mapping(Set.of("address", "port", "ping"));
        if (w.child("ping").isPresent()) {
            if (w.child("address").isPresent() || w.child("port").isPresent()) {
                throw w.error("ping", "cannot be combined with address/port: a witness is either a ping target or a"
                        + " `vigil witness` lease service", "Keep 'ping: <gateway IPv4>' or 'address:' (and 'port:'),"
                        + " not both; the lease service is the stronger of the two");
            }
            return WitnessSection.pingTarget(w.requiredString("ping"));
        }
        if (w.child("address").isEmpty()) {
            throw w.error("address", "is required (or 'ping')", "Set 'address: <host of vigil witness>' (and 'port:'"
                    + " if not 4850), or, without a third machine, 'ping: <gateway IPv4>'");
        }
        return new WitnessSection(w.requiredString("address"), w.integer("port", 4850));
    }

    private DatabaseSection database(YamlNode d, NodeSection node, HeartbeatSection hb) throws ConfigException {
        d.mapping(Set.of("mode", "binDir", "osUser", "dataDir", "port", "listenAddress", "peerAddress", "peerPort",
                "allowedCidr", "url", "user", "passwordFile"));
        String m = d.requiredString("mode");
        DatabaseSection.Mode mode;
        try {
            mode = DatabaseSection.Mode.valueOf(m.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw d.required("mode").error(null, "'" + m + "' is not a database mode",
                    "Use internal (Vigil runs and replicates PostgreSQL) or external (a database outside the cluster)");
        }
        HeartbeatSection.Network first = hb.networks().isEmpty() ? null : hb.networks().get(0);
        int port = d.integer("port", 5432);
        String peerAddress = d.string("peerAddress", first == null ? "127.0.0.1" : first.peer());
        Path dataDir = node.dataDir() == null ? null : node.dataDir().resolve("pg").resolve("data");
        return new DatabaseSection(mode, d.path("binDir", base, Path.of("/usr/lib/postgresql/15/bin")),
                d.string("osUser", "postgres"), d.path("dataDir", base, dataDir), port,
                d.string("listenAddress", first == null ? "127.0.0.1" : first.local()), peerAddress,
                d.integer("peerPort", port), d.string("allowedCidr", peerAddress + "/32"), d.string("url", null),
                d.string("user", null), d.path("passwordFile", base, null));
    }

    private static FailoverSection failover(Optional<YamlNode> f) throws ConfigException {
        if (f.isEmpty()) {
            return new FailoverSection(true, 30_000, 2, 6 * 3600_000L, 500);
        }
        YamlNode n = f.get().mapping(Set.of("enabled", "serviceFailoverDelayMs", "maxFailovers",
                "flappingWindowMs", "fenceMarginMs", "maxStartFailures"));
        return new FailoverSection(n.bool("enabled", true), n.number("serviceFailoverDelayMs", 30_000),
                n.integer("maxFailovers", 2), n.number("flappingWindowMs", 6 * 3600_000L),
                n.number("fenceMarginMs", 500),
                n.integer("maxStartFailures", io.vigil.core.CoreConfig.DEFAULT_MAX_START_FAILURES));
    }

    private static BootMode boot(YamlNode root) throws ConfigException {
        Optional<YamlNode> b = root.child("boot");
        if (b.isEmpty()) {
            return BootMode.KEEP;
        }
        String v = b.get().asString();
        try {
            return BootMode.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw b.get().error(null, "'" + v + "' is not a boot mode", "Use keep, enabled or disabled");
        }
    }

    private static RestartSection restart(YamlNode r) throws ConfigException {
        r.mapping(Set.of("maxRestarts", "windowMs"));
        return new RestartSection(r.integer("maxRestarts", 3), r.number("windowMs", 300_000));
    }

    private EventsSection events(YamlNode e) throws ConfigException {
        e.mapping(Set.of("url", "loginUrl", "user", "passwordFile"));
        URI url = httpUrl(e, "url", null);
        URI login = httpUrl(e, "loginUrl", URI.create(url.getScheme() + "://" + url.getHost() + ":"
                + EventsSection.DEFAULT_MANAGEMENT_PORT));
        return new EventsSection(url, login, e.requiredString("user"),
                e.path("passwordFile", base, null));
    }

    private static URI httpUrl(YamlNode e, String key, URI def) throws ConfigException {
        String v = def == null ? e.requiredString(key) : e.string(key, def.toString());
        try {
            URI u = new URI(v);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/")) && u.getQuery() == null) {
                return URI.create(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : ""));
            }
        } catch (java.net.URISyntaxException ex) {
            // refused below
        }
        throw e.error(key, "'" + v + "' is not an http(s) address of a server",
                "Write it as http://HOST:PORT, e.g. http://10.0.0.100:8101 (the cluster address)");
    }

    private static LogsSection logs(Optional<YamlNode> l) throws ConfigException {
        if (l.isEmpty()) {
            return new LogsSection(10L << 20, 5);
        }
        YamlNode n = l.get().mapping(Set.of("maxFileBytes", "keepFiles"));
        return new LogsSection(n.number("maxFileBytes", 10L << 20), n.integer("keepFiles", 5));
    }

    private ConsoleSection console(YamlNode c, NodeSection node) throws ConfigException {
        c.mapping(Set.of("bindAddress", "port", "password", "passwordFile", "certificate", "privateKey",
                "metricsTokenFile", "protocol"));
        Optional<YamlNode> pw = c.child("password");
        if (pw.isPresent() && !pw.get().raw().isTextual()) {
            throw pw.get().error(null, "the password was read as a number or a boolean, not as text",
                    "Put the password in quotes: password: \"...\"");
        }
        Path certificate = c.path("certificate", base, null);
        ConsoleSection.Mode mode = consoleMode(c, certificate != null, node);
        return new ConsoleSection(c.string("bindAddress", "0.0.0.0"), c.integer("port", mode.https() ? 9453 : 9010),
                c.string("password", null), c.path("passwordFile", base, null), certificate,
                c.path("privateKey", base, null), c.path("metricsTokenFile", base, null), mode);
    }

    /**
     * Issue 12: HTTPS unless {@code protocol: http}; without a configured certificate it is issued
     * from the cluster CA, so a node not paired yet (no cluster certificates) serves HTTP, warned.
     */
    private static ConsoleSection.Mode consoleMode(YamlNode c, boolean certificate, NodeSection node)
            throws ConfigException {
        String protocol = c.string("protocol", null);
        if (protocol != null && !protocol.equals("http") && !protocol.equals("https")) {
            throw c.error("protocol", "must be http or https, was '" + protocol + "'",
                    "Leave it out for HTTPS (the default), or write 'protocol: http' to serve plain HTTP");
        }
        if ("http".equals(protocol)) {
            return ConsoleSection.Mode.HTTP_ASKED;
        }
        if (certificate) {
            return ConsoleSection.Mode.HTTPS_CONFIGURED;
        }
        return "https".equals(protocol) || io.vigil.pki.ClusterTls.present(node.dataDir())
                ? ConsoleSection.Mode.HTTPS_CLUSTER : ConsoleSection.Mode.HTTP_NOT_PAIRED;
    }

    private ResourceSection resource(YamlNode r) throws ConfigException {
        r.mapping(Set.of("name", "description", "start", "stop", "dependsOn", "env", "workDir",
                "startTimeoutMs", "stopTimeoutMs", "restart", "checkers", "warmStandby"));
        r.required("start");
        List<CheckerSection> checkers = new ArrayList<>();
        for (YamlNode c : r.list("checkers")) {
            checkers.add(CheckerReader.checker(c));
        }
        Optional<YamlNode> restart = r.child("restart");
        return new ResourceSection(r.requiredString("name"), r.string("description", ""),
                r.command("start"), r.command("stop"), r.strings("dependsOn"), r.stringMap("env"),
                r.path("workDir", base, null), r.number("startTimeoutMs", 30_000),
                r.number("stopTimeoutMs", 10_000), restart.isPresent() ? restart(restart.get()) : null,
                checkers, r.bool("warmStandby", false));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            // Display only; a broken resolver must not stop the daemon from starting.
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
    }
}
