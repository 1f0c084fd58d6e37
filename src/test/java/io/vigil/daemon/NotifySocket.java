package io.vigil.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;


/**
 * The receiving end of sd_notify for tests: a Unix datagram socket in Linux's abstract namespace
 * (so it is reachable from a chroot too), read without blocking. What systemd would see.
 */
public final class NotifySocket implements AutoCloseable {
    private static final int MSG_DONTWAIT = 0x40;

    interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        int bind(int fd, byte[] addr, int addrLen);

        NativeLong recv(int fd, byte[] buf, NativeLong len, int flags);

        int close(int fd);
    }

    private static final LibC C = Native.load("c", LibC.class);
    private final int fd;
    /** The value for NOTIFY_SOCKET. */
    public final String name;
    private final List<String> received = new ArrayList<>();

    public NotifySocket() {
        name = "@vigil-test-notify-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        fd = C.socket(1, 2, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket(AF_UNIX, SOCK_DGRAM) failed");
        }
        byte[] addr = SystemdNotify.address(name);
        if (C.bind(fd, addr, addr.length) != 0) {
            C.close(fd);
            throw new IllegalStateException("bind " + name + " failed");
        }
    }

    /** Every message received so far, in order. */
    public synchronized List<String> messages() {
        byte[] buf = new byte[4096];
        long n;
        while ((n = C.recv(fd, buf, new NativeLong(buf.length), MSG_DONTWAIT).longValue()) > 0) {
            received.add(new String(buf, 0, (int) n, StandardCharsets.UTF_8));
        }
        return List.copyOf(received);
    }

    /** Waits until some message contains {@code text}; returns that message. */
    public String await(String text, Duration atMost) {
        org.awaitility.Awaitility.await("a notification with " + text + " on " + name).atMost(atMost)
                .until(() -> messages().stream().anyMatch(m -> m.contains(text)));
        return messages().stream().filter(m -> m.contains(text)).findFirst().orElseThrow();
    }

    public long count(String text) {
        return messages().stream().filter(m -> m.contains(text)).count();
    }

    @Override
    public void close() {
        C.close(fd);
    }
}
