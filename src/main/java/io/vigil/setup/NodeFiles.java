package io.vigil.setup;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;
import io.vigil.pki.ClusterTls;
import io.vigil.pki.PkiException;

import java.io.IOException;
import java.nio.file.Path;

/** The files of a node's configuration that both steps write the same way, and the check after. */
final class NodeFiles {
    private NodeFiles() {
    }

    /** Stages the cluster key, the console password hash, the database password and the configuration. */
    static VigilConfig stage(SetupFiles files, int id, ClusterSettings s, LocalNode me) throws IOException,
            SetupException {
        if (s.key() == null || !s.key().matches("[0-9a-f]{64}")) {
            throw new SetupException("node 1 sent no valid cluster key: run both setup steps again");
        }
        files.file(me.keyFile(), s.key() + "\n");
        files.file(me.passwordFile(), me.passwordHash() + "\n");
        Path dbPassword = null;
        if ("external".equals(s.database())) {
            files.file(me.databasePasswordFile(), s.databasePassword() + "\n");
            dbPassword = SetupFiles.sibling(me.databasePasswordFile(), SetupFiles.NEW);
        }
        VigilConfig c = NodeConfigs.withDatabasePasswordFile(NodeConfigs.build(id, s, me, dbPassword),
                me.databasePasswordFile());
        files.file(me.configFile(), "# Written by vigil setup: node " + id + " of cluster " + s.name() + ".\n"
                + c.toYaml());
        return c;
    }

    /** After the files are in place: the configuration loads and the certificates load. */
    static void verify(LocalNode me) throws SetupException {
        try {
            VigilConfig.load(me.configFile().toAbsolutePath());
            ClusterTls.load(me.dataDir());
        } catch (ConfigException | IOException | PkiException e) {
            throw new SetupException("the files written do not load (" + e.getMessage() + "); they were taken back"
                    + " and nothing was changed", e);
        }
    }

    /**
     * The node with the interface that carries {@code vip}: given, or the one holding the node's
     * address. A 127.x virtual IP (loopback mode) needs none.
     */
    static LocalNode withVipInterface(LocalNode me, String vip, SetupNetwork net) throws SetupException {
        if (vip == null || me.vipInterface() != null || vip.startsWith("127.")) {
            return me;
        }
        try {
            for (SetupNetwork.LocalAddress a : net.localAddresses()) {
                if (a.address().getHostAddress().equals(me.address())) {
                    return new LocalNode(me.configFile(), me.dataDir(), me.hostName(), me.address(), me.https(),
                            me.passwordHash(), me.adminPort(), me.consolePort(), me.databasePort(), a.interfaceName());
                }
            }
        } catch (IOException e) {
            throw new SetupException("cannot list this machine's interfaces (" + e.getMessage() + "): give"
                    + " --vip-interface");
        }
        throw new SetupException(me.address() + " is not an address of this machine, so the interface for the"
                + " virtual IP is unknown: give --address with this node's address, or --vip-interface");
    }
}
