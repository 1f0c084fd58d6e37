package io.vigil.setup;

import java.nio.file.Path;

/**
 * This node as a setup step configures it.
 *
 * @param configFile   the configuration file to write (its folder also gets the cluster key and
 *                     the console password hash)
 * @param dataDir      the node's data folder (certificates in {@code tls/} and {@code console/})
 * @param hostName     its host name or FQDN
 * @param address      the IPv4 address the other node reaches it at (the first its name resolves to)
 * @param https        console over HTTPS (else plain HTTP)
 * @param passwordHash the console password's slow hash (never the password)
 * @param adminPort    its admin channel
 * @param consolePort  its console
 * @param databasePort its PostgreSQL (internal database)
 * @param vipInterface the interface that carries the virtual IP here, or null
 */
public record LocalNode(Path configFile, Path dataDir, String hostName, String address, boolean https,
                        String passwordHash, int adminPort, int consolePort, int databasePort, String vipInterface) {

    Path configDir() {
        return configFile.toAbsolutePath().getParent();
    }

    Path keyFile() {
        return configDir().resolve("cluster.key");
    }

    Path passwordFile() {
        return configDir().resolve("console-password");
    }

    Path databasePasswordFile() {
        return configDir().resolve("database-password");
    }

    Path consoleDir() {
        return dataDir.resolve("console");
    }

    ClusterSettings.Peer asPeer() {
        return new ClusterSettings.Peer(hostName, address, adminPort, consolePort, databasePort);
    }

    @Override
    public String toString() {
        return "LocalNode[" + hostName + " " + address + ", config " + configFile + "]";
    }
}
