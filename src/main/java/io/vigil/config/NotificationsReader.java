package io.vigil.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the {@code notifications:} section (issue 15): webhooks, syslog and SNMP receivers. */
final class NotificationsReader {
    /** RFC 5424 facility names an operator would write, with their codes. */
    static final Map<String, Integer> FACILITIES = Map.ofEntries(Map.entry("user", 1), Map.entry("daemon", 3),
            Map.entry("auth", 4), Map.entry("local0", 16), Map.entry("local1", 17), Map.entry("local2", 18),
            Map.entry("local3", 19), Map.entry("local4", 20), Map.entry("local5", 21), Map.entry("local6", 22),
            Map.entry("local7", 23));

    private NotificationsReader() {
    }

    static NotificationsSection read(YamlNode n, Path base) throws ConfigException {
        n.mapping(Set.of("webhooks", "syslog", "snmp", "snmpAgent"));
        List<NotificationsSection.Webhook> hooks = new ArrayList<>();
        for (YamlNode h : n.list("webhooks")) {
            h.mapping(Set.of("url", "secretFile", "timeoutMs"));
            hooks.add(new NotificationsSection.Webhook(url(h), required(h, "secretFile", base,
                    "A file holding the shared secret the receiver checks signatures with (e.g. 32 random bytes,"
                            + " hex), mode 0600"), h.integer("timeoutMs", 5000)));
        }
        List<NotificationsSection.Syslog> syslog = new ArrayList<>();
        for (YamlNode s : n.list("syslog")) {
            s.mapping(Set.of("host", "port", "protocol", "facility"));
            String proto = s.string("protocol", "udp").toLowerCase(Locale.ROOT);
            if (!proto.equals("udp") && !proto.equals("tcp")) {
                throw s.error("protocol", "'" + proto + "' is not a syslog transport", "Write udp (port 514) or tcp");
            }
            String facility = s.string("facility", "daemon").toLowerCase(Locale.ROOT);
            if (!FACILITIES.containsKey(facility)) {
                throw s.error("facility", "'" + facility + "' is not a facility Vigil uses",
                        "Write one of " + new java.util.TreeSet<>(FACILITIES.keySet()));
            }
            syslog.add(new NotificationsSection.Syslog(s.requiredString("host"), port(s, 514),
                    NotificationsSection.Syslog.Protocol.valueOf(proto.toUpperCase(Locale.ROOT)), FACILITIES.get(facility)));
        }
        List<NotificationsSection.Snmp> snmp = new ArrayList<>();
        for (YamlNode s : n.list("snmp")) {
            s.mapping(Set.of("host", "port", "communityFile", "inform"));
            snmp.add(new NotificationsSection.Snmp(s.requiredString("host"), port(s, 162),
                    required(s, "communityFile", base, "A file holding the SNMP v2c community string, mode 0600"),
                    s.bool("inform", false)));
        }
        NotificationsSection.SnmpAgent agent = null;
        if (n.child("snmpAgent").isPresent()) {
            YamlNode a = n.child("snmpAgent").get();
            a.mapping(Set.of("bindAddress", "port", "communityFile"));
            agent = new NotificationsSection.SnmpAgent(a.string("bindAddress", "0.0.0.0"), port(a, 3600),
                    required(a, "communityFile", base, "A file holding the SNMP v2c community managers must send,"
                            + " mode 0600"));
        }
        return new NotificationsSection(hooks, syslog, snmp, agent);
    }

    private static int port(YamlNode n, int def) throws ConfigException {
        int p = n.integer("port", def);
        if (p < 1 || p > 65535) {
            throw n.error("port", p + " is not a port", "Use 1-65535");
        }
        return p;
    }

    private static Path required(YamlNode n, String key, Path base, String what) throws ConfigException {
        Path p = n.path(key, base, null);
        if (p == null) {
            throw n.error(key, "is missing", what);
        }
        return p;
    }

    private static URI url(YamlNode h) throws ConfigException {
        String v = h.requiredString("url");
        try {
            URI u = new URI(v);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below
        }
        throw h.error("url", "'" + v + "' is not an http(s) URL", "Write it as https://HOST[:PORT]/PATH");
    }
}
