package io.vigil.resource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

/**
 * A stand-in service for tests: waits {@code delayMs} (as a real server loads its data), then
 * listens on {@code port} until killed. Run in its own JVM, with JDK classes only.
 */
public final class DelayedTcpServer {

    private DelayedTcpServer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = Integer.parseInt(args[0]);
        long delayMs = Long.parseLong(args[1]);
        Thread.sleep(delayMs);
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            while (true) {
                try (Socket ignored = server.accept()) {
                    // Accept and close: being connectable is the whole service.
                }
            }
        }
    }

    /** The argv that runs this class with the current JVM. */
    static List<String> command(int port, long delayMs) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classes = Path.of(DelayedTcpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        return List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes,
                DelayedTcpServer.class.getName(), String.valueOf(port), String.valueOf(delayMs));
    }
}
