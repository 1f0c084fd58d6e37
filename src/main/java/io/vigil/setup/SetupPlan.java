package io.vigil.setup;

import java.util.List;

/**
 * What setup is about to configure, as far as the prerequisite checks need it.
 *
 * @param localHost        this node's host name (or FQDN)
 * @param peerHost         the other node: FQDN, host name or IPv4 address
 * @param vip              the virtual IP with its prefix ({@code 10.0.0.10/24}), or null for none
 * @param internalDatabase whether Vigil runs and replicates PostgreSQL (it must be installed)
 * @param ports            the ports this node will serve
 */
public record SetupPlan(String localHost, String peerHost, String vip, boolean internalDatabase, List<Port> ports) {

    /** A port this node will serve: "tcp" or "udp", the number, and what for. */
    public record Port(String protocol, int port, String use) { }

    /** The default ports of node {@code id} (SPEC §11, as Vigil configures them). */
    public static List<Port> defaultPorts(int id, boolean internalDatabase) {
        List<Port> ports = new java.util.ArrayList<>(List.of(
                new Port("tcp", 9001, "pairing during setup"),
                new Port("tcp", 9010, "console (HTTP)"),
                new Port("tcp", 9453, "console (HTTPS)"),
                new Port("tcp", 6259, "admin channel"),
                new Port("udp", 8888 + id - 1, "heartbeats"),
                new Port("tcp", 5601 + (id - 1) * 4, "directory replication")));
        if (internalDatabase) {
            ports.add(new Port("tcp", 5432, "PostgreSQL"));
        }
        return List.copyOf(ports);
    }
}
