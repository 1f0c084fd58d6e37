package io.vigil.setup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** What the prerequisite checks ask of the machine's network; the real one is {@link SystemNetwork}. */
public interface SetupNetwork {

    /** A local IPv4 address and the prefix length of its subnet. */
    record LocalAddress(String interfaceName, InetAddress address, int prefixLength) { }

    /** Every address {@code host} resolves to, in the resolver's order. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The name {@code address} resolves back to, or null when it has none. */
    String reverse(InetAddress address);

    /** This machine's addresses. */
    List<LocalAddress> localAddresses() throws IOException;

    /** Whether something answers at {@code address} (ICMP echo, or ARP on the local subnet). */
    boolean answers(InetAddress address) throws IOException;

    /** Whether a server could bind {@code port} ("tcp" or "udp") on all addresses now. */
    boolean portFree(String protocol, int port);
}
