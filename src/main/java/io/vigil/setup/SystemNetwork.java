package io.vigil.setup;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The machine's real resolver, interfaces and sockets. */
public final class SystemNetwork implements SetupNetwork {

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        return List.of(InetAddress.getAllByName(host));
    }

    @Override
    public String reverse(InetAddress address) {
        try {
            String name = InetAddress.getByAddress(address.getAddress()).getCanonicalHostName();
            return name.equals(address.getHostAddress()) ? null : name; // no PTR: Java returns the literal
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public List<LocalAddress> localAddresses() throws IOException {
        List<LocalAddress> out = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address) {
                    out.add(new LocalAddress(nic.getName(), a.getAddress(), a.getNetworkPrefixLength()));
                }
            }
        }
        return out;
    }

    @Override
    public boolean answers(InetAddress address) throws IOException {
        return address.isReachable(1000); // ICMP echo as root, else TCP port 7
    }

    @Override
    public boolean portFree(String protocol, int port) {
        try {
            if ("udp".equals(protocol)) {
                try (DatagramSocket s = new DatagramSocket(null)) {
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress(port));
                }
            } else {
                try (ServerSocket s = new ServerSocket()) {
                    s.setReuseAddress(true); // TIME-WAIT left by an earlier run does not stop a server
                    s.bind(new InetSocketAddress(port));
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
