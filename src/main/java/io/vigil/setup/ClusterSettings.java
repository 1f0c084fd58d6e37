package io.vigil.setup;

/**
 * The settings both nodes' configurations share, decided on node 1 and sent to node 2 at pairing.
 *
 * @param name             cluster name
 * @param key              the cluster key, 64 hex characters (every per-purpose key derives from it)
 * @param node1            node 1 as node 2 reaches it
 * @param node2            node 2 as node 1 reaches it
 * @param heartbeatBasePort node N receives heartbeats on basePort+N-1
 * @param vip              the virtual IP with its prefix, or null
 * @param database         "internal", "external" or "none"
 * @param databaseUrl      external database: JDBC URL (else null)
 * @param databaseUser     external database: user (else null)
 * @param databasePassword external database: its password (else null)
 */
public record ClusterSettings(String name, String key, Peer node1, Peer node2, int heartbeatBasePort, String vip,
                              String database, String databaseUrl, String databaseUser, String databasePassword) {

    /** One node: its names, address and ports. */
    public record Peer(String hostName, String address, int adminPort, int consolePort, int databasePort) { }

    public Peer node(int id) {
        return id == 1 ? node1 : node2;
    }

    @Override
    public String toString() {
        return "ClusterSettings[name=" + name + ", key=<redacted>, node1=" + node1 + ", node2=" + node2
                + ", heartbeatBasePort=" + heartbeatBasePort + ", vip=" + vip + ", database=" + database + "]";
    }
}
