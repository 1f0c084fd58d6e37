package io.vigil.api;

/**
 * One dump kept on a node (SPEC §2 "Support"): a folder {@code dump_<date>_<hour>} under the
 * node's support directory.
 *
 * @param name      the folder's name, e.g. {@code dump_20261207_213405}
 * @param path      where it is on the node
 * @param createdAt when it was made (ISO-8601, UTC)
 * @param reason    why: {@code operator (who)}, {@code failover: ...}, {@code fatal error: ...}, {@code snapshot}
 * @param bytes     the size of its files together
 */
public record DumpInfo(String name, String path, String createdAt, String reason, long bytes) {
}
