package io.vigil.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads the {@code replication:} section; its rules live in {@link ConfigValidator#replication}. */
final class ReplicationReader {

    private ReplicationReader() {
    }

    static ReplicationSection read(YamlNode r, int nodeId, HeartbeatSection heartbeat) throws ConfigException {
        r.mapping(Set.of("port", "bindAddress", "peerAddress", "peerPort", "intervalMs", "directories"));
        r.required("directories");
        boolean nets = !heartbeat.networks().isEmpty();
        List<ReplicationSection.Directory> dirs = new ArrayList<>();
        for (YamlNode d : r.list("directories")) {
            dirs.add(directory(d));
        }
        int peerId = nodeId == 1 ? 2 : 1;
        return new ReplicationSection(r.integer("port", ReplicationSection.defaultPort(nodeId)),
                r.string("bindAddress", nets ? heartbeat.networks().get(0).local() : "127.0.0.1"),
                r.string("peerAddress", nets ? heartbeat.networks().get(0).peer() : "127.0.0.1"),
                r.integer("peerPort", ReplicationSection.defaultPort(peerId)),
                r.number("intervalMs", 2000), dirs);
    }

    /** "- /etc/vms/certs" or "- {name: certs, path: /etc/vms/certs}". */
    private static ReplicationSection.Directory directory(YamlNode d) throws ConfigException {
        if (d.raw().isTextual()) {
            String p = d.asString();
            return new ReplicationSection.Directory(p, Path.of(p).normalize());
        }
        d.mapping(Set.of("name", "path"));
        String path = d.requiredString("path");
        return new ReplicationSection.Directory(d.string("name", path), Path.of(path).normalize());
    }
}
