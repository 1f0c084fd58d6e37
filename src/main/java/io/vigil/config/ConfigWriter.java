package io.vigil.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Writes the tree back in the file's own schema (defaults filled in), so {@code show
 * configuration} shows what the node actually runs with. The key is always redacted.
 */
final class ConfigWriter {

    private static final YAMLMapper MAPPER = YAMLMapper.builder(new YAMLFactory())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ConfigWriter() {
    }

    static String toYaml(VigilConfig c) {
        ObjectNode root = F.objectNode().put(ConfigFormat.KEY, ConfigFormat.CURRENT);
        ObjectNode cluster = root.putObject("cluster").put("name", c.cluster().name());
        if (c.cluster().key() != null) {
            cluster.put("key", ClusterSection.REDACTED);
        }
        if (c.cluster().keyFile() != null) {
            cluster.put("keyFile", c.cluster().keyFile().toString());
        }
        root.putObject("node").put("id", c.node().id()).put("dataDir", c.node().dataDir().toString())
                .put("logDir", c.node().logDir().toString()).put("hostName", c.node().hostName());
        root.putObject("peer").put("hostName", c.peer().hostName()).put("adminAddress", c.peer().adminAddress())
                .put("adminPort", c.peer().adminPort());
        var admin = root.putObject("admin").put("bindAddress", c.admin().bindAddress()).put("port", c.admin().port());
        if (c.admin().socket() != null) {
            admin.put("socket", c.admin().socket().toString());
        }
        ObjectNode hb = root.putObject("heartbeat").put("intervalMs", c.heartbeat().intervalMs())
                .put("timeoutMs", c.heartbeat().timeoutMs()).put("basePort", c.heartbeat().basePort());
        ArrayNode nets = hb.putArray("networks");
        c.heartbeat().networks().forEach(n -> nets.addObject().put("local", n.local()).put("peer", n.peer()));
        if (c.witness() != null && c.witness().isPing()) {
            root.putObject("witness").put("ping", c.witness().ping());
        } else if (c.witness() != null) {
            root.putObject("witness").put("address", c.witness().address()).put("port", c.witness().port());
        }
        if (c.vip() != null) {
            ObjectNode v = root.putObject("vip").put("address", c.vip().address());
            if (c.vip().iface() != null) {
                v.put("interface", c.vip().iface());
            }
        }
        FailoverSection f = c.failover();
        root.putObject("failover").put("enabled", f.enabled()).put("serviceFailoverDelayMs", f.serviceFailoverDelayMs())
                .put("maxFailovers", f.maxFailovers()).put("flappingWindowMs", f.flappingWindowMs())
                .put("maxStartFailures", f.maxStartFailures())
                .put("fenceMarginMs", f.fenceMarginMs());
        root.put("boot", c.boot().name().toLowerCase(Locale.ROOT));
        restart(root.putObject("restart"), c.restart());
        ArrayNode resources = root.putArray("resources");
        c.resources().forEach(r -> resource(resources.addObject(), r));
        root.putObject("logs").put("maxFileBytes", c.logs().maxFileBytes()).put("keepFiles", c.logs().keepFiles());
        if (c.database() != null) {
            database(root.putObject("database"), c.database());
        }
        if (c.replication() != null) {
            replication(root.putObject("replication"), c.replication());
        }
        if (c.events() != null) {
            root.putObject("events").put("url", c.events().url().toString())
                    .put("loginUrl", c.events().loginUrl().toString()).put("user", c.events().user())
                    .put("passwordFile", c.events().passwordFile().toString());
        }
        notifications(root, c.notifications());
        if (c.console() != null) {
            ObjectNode k = root.putObject("console").put("bindAddress", c.console().bindAddress())
                    .put("port", c.console().port());
            if (c.console().password() != null) {
                k.put("password", ClusterSection.REDACTED);
            }
            if (c.console().passwordFile() != null) {
                k.put("passwordFile", c.console().passwordFile().toString());
            }
            if (c.console().mode() == ConsoleSection.Mode.HTTP_ASKED) {
                k.put("protocol", "http");
            }
            if (c.console().certificate() != null) {
                k.put("certificate", c.console().certificate().toString())
                        .put("privateKey", c.console().privateKey().toString());
            }
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // an in-memory tree of strings and numbers always serialises
        }
    }

    private static void replication(ObjectNode o, ReplicationSection r) {
        o.put("port", r.port()).put("bindAddress", r.bindAddress()).put("peerAddress", r.peerAddress())
                .put("peerPort", r.peerPort()).put("intervalMs", r.intervalMs());
        ArrayNode dirs = o.putArray("directories");
        r.directories().forEach(d -> dirs.addObject().put("name", d.name()).put("path", d.path().toString()));
    }

    /** Secrets live in files: their paths are shown, never their contents. */
    private static void notifications(ObjectNode root, NotificationsSection n) {
        if (n == null || (n.isEmpty() && n.agent() == null)) {
            return;
        }
        ObjectNode o = root.putObject("notifications");
        ArrayNode hooks = o.putArray("webhooks");
        n.webhooks().forEach(w -> hooks.addObject().put("url", w.url().toString())
                .put("secretFile", w.secretFile().toString()).put("timeoutMs", w.timeoutMs()));
        ArrayNode syslog = o.putArray("syslog");
        n.syslog().forEach(s -> syslog.addObject().put("host", s.host()).put("port", s.port())
                .put("protocol", s.protocol().name().toLowerCase(Locale.ROOT)).put("facility", facility(s.facility())));
        ArrayNode snmp = o.putArray("snmp");
        n.snmp().forEach(s -> snmp.addObject().put("host", s.host()).put("port", s.port())
                .put("communityFile", s.communityFile().toString()).put("inform", s.inform()));
        if (n.agent() != null) {
            o.putObject("snmpAgent").put("bindAddress", n.agent().bindAddress()).put("port", n.agent().port())
                    .put("communityFile", n.agent().communityFile().toString());
        }
    }

    private static String facility(int code) {
        return NotificationsReader.FACILITIES.entrySet().stream().filter(e -> e.getValue() == code)
                .map(java.util.Map.Entry::getKey).findFirst().orElse(Integer.toString(code));
    }

    private static void restart(ObjectNode o, RestartSection r) {
        o.put("maxRestarts", r.maxRestarts()).put("windowMs", r.windowMs());
    }

    private static void resource(ObjectNode o, ResourceSection r) {
        o.put("name", r.name()).put("description", r.description());
        strings(o.putArray("start"), r.start());
        if (!r.stop().isEmpty()) {
            strings(o.putArray("stop"), r.stop());
        }
        strings(o.putArray("dependsOn"), r.dependsOn());
        ObjectNode env = o.putObject("env");
        r.env().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> env.put(e.getKey(), e.getValue()));
        if (r.workDir() != null) {
            o.put("workDir", r.workDir().toString());
        }
        o.put("startTimeoutMs", r.startTimeoutMs()).put("stopTimeoutMs", r.stopTimeoutMs());
        if (r.warmStandby()) {
            o.put("warmStandby", true);
        }
        if (r.restart() != null) {
            restart(o.putObject("restart"), r.restart());
        }
        ArrayNode checkers = o.putArray("checkers");
        r.checkers().forEach(k -> checker(checkers.addObject(), k));
    }

    private static void checker(ObjectNode o, CheckerSection k) {
        o.put("type", k.type().name().toLowerCase(Locale.ROOT));
        switch (k.type()) {
            case TCP -> o.put("host", k.host()).put("port", k.port());
            case HTTP -> o.put("url", k.url()).put("expectStatus", k.expectStatus());
            case COMMAND -> strings(o.putArray("command"), k.command());
            case PROCESS -> { }
        }
        o.put("intervalMs", k.intervalMs()).put("timeoutMs", k.timeoutMs()).put("fall", k.fall())
                .put("rise", k.rise()).put("graceMs", k.graceMs());
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static void database(ObjectNode o, DatabaseSection d) {
        o.put("mode", d.mode().name().toLowerCase(Locale.ROOT));
        if (d.internal()) {
            o.put("binDir", d.binDir().toString()).put("osUser", d.osUser()).put("dataDir", d.dataDir().toString())
                    .put("port", d.port()).put("listenAddress", d.listenAddress()).put("peerAddress", d.peerAddress())
                    .put("peerPort", d.peerPort()).put("allowedCidr", d.allowedCidr());
        } else {
            o.put("url", d.url()).put("user", d.user()).put("passwordFile", d.passwordFile().toString());
        }
    }
}
