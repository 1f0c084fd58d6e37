package io.vigil.setup;

import io.vigil.config.AdminSection;
import io.vigil.config.ClusterSection;
import io.vigil.config.ConfigException;
import io.vigil.config.ConsoleSection;
import io.vigil.config.DatabaseSection;
import io.vigil.config.FailoverSection;
import io.vigil.config.HeartbeatSection;
import io.vigil.config.LogsSection;
import io.vigil.config.NodeSection;
import io.vigil.config.NotificationsSection;
import io.vigil.config.PeerSection;
import io.vigil.config.RestartSection;
import io.vigil.config.VigilConfig;
import io.vigil.config.VipSection;
import io.vigil.core.BootMode;
import io.vigil.pki.CertificateSet;

import java.nio.file.Path;
import java.util.List;

/**
 * A node's configuration from the pairing's shared settings and this node's own (README "Running
 * a node" for the defaults). The admin channel listens on the node's own address, the one its
 * peer is told to reach: the README example's 127.0.0.1-versus-10.0.0.2 mistake cannot be made.
 */
final class NodeConfigs {
    static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");

    private NodeConfigs() {
    }

    /**
     * The validated tree for node {@code id}. {@code databasePasswordFile} is where the external
     * database's password is readable now (validation reads it); the tree names it there.
     */
    static VigilConfig build(int id, ClusterSettings s, LocalNode me, Path databasePasswordFile)
            throws SetupException {
        ClusterSettings.Peer peer = s.node(3 - id);
        VigilConfig c = new VigilConfig(new ClusterSection(s.name(), null, me.keyFile()),
                new NodeSection(id, me.dataDir(), me.dataDir().resolve("log"), me.hostName()),
                new PeerSection(peer.hostName(), peer.address(), peer.adminPort()),
                new AdminSection(me.address(), me.adminPort()),
                new HeartbeatSection(1000, 3000, s.heartbeatBasePort(),
                        List.of(new HeartbeatSection.Network(me.address(), peer.address()))),
                null, s.vip() == null ? null : new VipSection(s.vip(), me.vipInterface()),
                new FailoverSection(true, 30_000, 2, 21_600_000, 500), BootMode.KEEP, new RestartSection(3, 300_000),
                List.of(), new LogsSection(10_485_760, 5), database(s, me, peer, databasePasswordFile), null,
                console(me), null, NotificationsSection.NONE, me.configFile().toAbsolutePath());
        try {
            c.validate();
        } catch (ConfigException e) {
            throw new SetupException("the configuration setup built is not valid (" + e.getMessage() + "): nothing"
                    + " was changed; correct the option named, then run the step again");
        }
        return c;
    }

    /** The same tree, naming the external database password where the step puts it. */
    static VigilConfig withDatabasePasswordFile(VigilConfig c, Path file) {
        DatabaseSection d = c.database();
        if (d == null || d.internal()) {
            return c;
        }
        return new VigilConfig(c.cluster(), c.node(), c.peer(), c.admin(), c.heartbeat(), c.witness(), c.vip(),
                c.failover(), c.boot(), c.restart(), c.resources(), c.logs(), new DatabaseSection(d.mode(), null, null,
                null, 0, null, null, 0, null, d.url(), d.user(), file), c.replication(), c.console(), c.events(),
                c.notifications(), c.sourceFile());
    }

    private static DatabaseSection database(ClusterSettings s, LocalNode me, ClusterSettings.Peer peer,
                                            Path passwordFile) {
        return switch (s.database()) {
            case "internal" -> new DatabaseSection(DatabaseSection.Mode.INTERNAL, PG_BIN, "postgres",
                    me.dataDir().resolve("pg").resolve("data"), me.databasePort(), me.address(), peer.address(),
                    peer.databasePort(), peer.address() + "/32", null, null, null);
            case "external" -> new DatabaseSection(DatabaseSection.Mode.EXTERNAL, null, null, null, 0, null, null, 0,
                    null, s.databaseUrl(), s.databaseUser(), passwordFile);
            default -> null;
        };
    }

    private static ConsoleSection console(LocalNode me) {
        Path dir = me.consoleDir();
        return new ConsoleSection("0.0.0.0", me.consolePort(), null, me.passwordFile(),
                me.https() ? dir.resolve(CertificateSet.SERVER) : null,
                me.https() ? dir.resolve(CertificateSet.SERVER_KEY) : null, null);
    }
}
