package io.vigil.admin;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A client of the local admin socket run as another user (setpriv) by {@link LocalAdminServerTest}:
 * connects, sends one request line, prints every line the node answers. Only JDK classes, so it
 * runs from the test classes alone. Prints "error: ..." when it cannot connect.
 */
public final class UnixSocketProbe {
    private UnixSocketProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(Path.of(args[0])))) {
            ch.write(StandardCharsets.UTF_8.encode(args[1] + "\n"));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                System.out.println(line);
            }
        } catch (java.io.IOException e) {
            System.out.println("error: " + e.getMessage());
        }
    }
}
