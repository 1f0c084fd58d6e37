package io.vigil.it.net;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A process that prints each UDP datagram it receives, one line {@code from <ip> <text>}, after a
 * first line {@code ready}; run with {@link #command} inside a lab host to see what reaches it.
 */
public final class UdpListener {
    private UdpListener() {
    }

    /** The command that runs this listener on {@code ip:port} with the current JVM and class path. */
    public static List<String> command(String ip, int port) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-cp", System.getProperty("java.class.path"),
                UdpListener.class.getName(), ip, Integer.toString(port));
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[0]),
                Integer.parseInt(args[1])))) {
            out.println("ready");
            byte[] buf = new byte[2048];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).strip();
                out.println("from " + p.getAddress().getHostAddress() + " " + text);
            }
        }
    }
}
