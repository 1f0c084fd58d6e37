package io.vigil.config;

import io.vigil.core.BootMode;
import io.vigil.core.CoreConfig;
import io.vigil.security.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's configuration file as an immutable record tree. {@link #load(Path)} parses and
 * validates; a tree built in code (setup wizard) should call {@link #validate()} itself.
 *
 * @param witness    null when no witness is configured: then a network split runs the
 *                   services on both nodes, and status must say so (see {@link #warnings()})
 * @param vip        null when the cluster has no virtual IP
 * @param database   null when Vigil manages no database
 * @param replication null when no directories are replicated
 * @param console    null when this node serves no web console / REST API
 * @param events     null when the node reports to no VMS event server
 * @param sourceFile the file it was read from (absolute), or null when built in code
 */
public record VigilConfig(ClusterSection cluster, NodeSection node, PeerSection peer, AdminSection admin,
                          HeartbeatSection heartbeat, WitnessSection witness, VipSection vip, FailoverSection failover,
                          BootMode boot, RestartSection restart, List<ResourceSection> resources,
                          LogsSection logs, DatabaseSection database, ReplicationSection replication,
                          ConsoleSection console, EventsSection events, NotificationsSection notifications,
                          Path sourceFile) {

    public VigilConfig {
        resources = List.copyOf(resources);
    }

    /** Reads, parses and validates {@code file}. */
    public static VigilConfig load(Path file) throws ConfigException {
        VigilConfig c = ConfigReader.read(file);
        c.validate();
        return c;
    }

    /** Checks every value and cross-reference; the exception names the first bad key. */
    public void validate() throws ConfigException {
        ConfigValidator.validate(this);
    }

    /**
     * The shared cluster secret as bytes, read from {@code keyFile} when that is used. The file is
     * read at each call so a rotated key is picked up on restart without editing this file.
     */
    public byte[] clusterKey() throws ConfigException {
        String hex;
        String path;
        if (cluster.key() != null) {
            hex = cluster.key();
            path = "cluster.key";
        } else {
            path = "cluster.keyFile";
            try {
                hex = Files.readString(cluster.keyFile(), StandardCharsets.US_ASCII).strip();
            } catch (IOException e) {
                throw new ConfigException(sourceFile, path, "cannot read the key file " + cluster.keyFile()
                        + " (" + e.getClass().getSimpleName() + ")",
                        "Check that it exists and that only the vigil user can read it");
            }
        }
        ConfigValidator.checkKey(sourceFile, path, hex);
        return HexFormat.of().parseHex(hex);
    }

    /**
     * The per-purpose keys derived from the cluster key (issue 10 item 5). Every consumer takes its
     * own from here; nothing but this method and {@code vigil config check} reads the raw key.
     */
    public io.vigil.security.ClusterKeys keys() throws ConfigException {
        return io.vigil.security.ClusterKeys.of(clusterKey());
    }

    /**
     * Refuses a cluster key that other users of this machine can read or change (issue 10 item 7):
     * the key file, or this configuration file when it holds the key inline. The node and
     * {@code vigil config check} call this; CLI commands that only use the key do not.
     */
    public void checkKeyIsPrivate() throws ConfigException {
        boolean inline = cluster.key() != null;
        Path holder = inline ? sourceFile : cluster.keyFile();
        if (holder == null) {
            return;
        }
        Optional<String> problem;
        try {
            problem = PrivateFiles.keyExposure(holder);
        } catch (IOException e) {
            throw new ConfigException(sourceFile, inline ? "cluster.key" : "cluster.keyFile", "cannot read the mode"
                    + " of " + holder + " (" + e.getClass().getSimpleName() + ")", "Check that it exists");
        }
        if (problem.isPresent()) {
            throw new ConfigException(sourceFile, inline ? "cluster.key" : "cluster.keyFile", problem.get(), null);
        }
    }

    /** The state machine's view (SPEC §2 timings and policies). Call on a validated tree. */
    public CoreConfig toCoreConfig() {
        Map<String, CoreConfig.RestartPolicy> overrides = new LinkedHashMap<>();
        for (ResourceSection r : resources) {
            if (r.restart() != null) {
                overrides.put(r.name(), policy(r.restart()));
            }
        }
        return new CoreConfig(node.id(), heartbeat.intervalMs(), heartbeat.timeoutMs(), witness != null,
                heartbeat.timeoutMs(), failover.fenceMarginMs(), failover.serviceFailoverDelayMs(),
                policy(restart), overrides, failover.maxFailovers(), failover.flappingWindowMs(),
                failover.maxStartFailures());
    }

    /** Things that are legal but dangerous, for status output. */
    public List<String> warnings() {
        List<String> all = new java.util.ArrayList<>(witnessWarnings());
        if (console != null && console.plainHttpWarning() != null) {
            all.add(console.plainHttpWarning());
        }
        return List.copyOf(all);
    }

    private List<String> witnessWarnings() {
        if (witness == null) {
            return List.of("No witness is configured: if the nodes lose each other on every heartbeat network "
                    + "while both are alive, both will run the services. Configure 'witness:' to prevent this.");
        }
        if (witness.isPing()) {
            return List.of("The witness is a ping target (" + witness.ping() + "): it stops an isolated node from "
                    + "running the services, but if only the heartbeat links fail while both nodes still reach "
                    + witness.ping() + ", both will run the services. Use several heartbeat networks, or a "
                    + "`vigil witness` on a third machine to rule this out.");
        }
        return List.of();
    }

    /** The configuration as YAML with the key redacted, for {@code show configuration}. */
    public String toYaml() {
        return ConfigWriter.toYaml(this);
    }

    private static CoreConfig.RestartPolicy policy(RestartSection r) {
        return new CoreConfig.RestartPolicy(r.maxRestarts(), r.windowMs());
    }
}
