package io.vigil.config;

import java.nio.file.Path;

/**
 * Cluster identity. Exactly one of {@code key} (hex) and {@code keyFile} is set.
 *
 * <p>{@link #toString()} is overridden because a record's generated one would print the
 * shared secret into logs and dumps (SPEC §7: heartbeats are signed with it).
 *
 * @param name    cluster name, [A-Za-z0-9_-]{1,32}
 * @param key     hex secret, or null when {@code keyFile} is used
 * @param keyFile file holding the hex secret (absolute), or null when {@code key} is used
 */
public record ClusterSection(String name, String key, Path keyFile) {

    static final String REDACTED = "<redacted>";

    @Override
    public String toString() {
        return "ClusterSection[name=" + name + ", key=" + (key == null ? "null" : REDACTED)
                + ", keyFile=" + keyFile + "]";
    }
}
