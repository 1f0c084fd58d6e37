package io.vigil.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sd_notify(3)} for a unit of {@code Type=notify}: one datagram per message to the Unix
 * socket systemd names in {@code $NOTIFY_SOCKET}. The JDK cannot send Unix datagrams, and the
 * {@code systemd-notify} tool is racy from a child process (systemd may not attribute a message
 * whose sender has already exited), so this calls the C library through JNA. Without
 * {@code $NOTIFY_SOCKET} (not under systemd) every call is a no-op.
 */
public final class SystemdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SUN_PATH_MAX = 108;

    /** The three C calls needed; JNA maps them by name. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol);

        NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrLen);

        int close(int fd);
    }

    private final String socket;

    private SystemdNotify(String socket) {
        this.socket = socket;
    }

    /** From the process environment: a no-op notifier when systemd did not ask for notifications. */
    public static SystemdNotify fromEnvironment() {
        return of(System.getenv());
    }

    static SystemdNotify of(Map<String, String> env) {
        String s = env.get("NOTIFY_SOCKET");
        return new SystemdNotify(s == null || s.isBlank() ? null : s);
    }

    public boolean enabled() {
        return socket != null;
    }

    /**
     * The watchdog interval systemd expects pings within ({@code WatchdogSec=}), when it is meant for
     * this process ({@code $WATCHDOG_PID} absent or ours).
     */
    public static Optional<Long> watchdogMicros(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        String forPid = env.get("WATCHDOG_PID");
        if (usec == null || (forPid != null && !forPid.equals(Long.toString(pid)))) {
            return Optional.empty();
        }
        try {
            long v = Long.parseLong(usec.trim());
            return v > 0 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends one message ({@code READY=1}, {@code WATCHDOG=1}, {@code STATUS=...}, {@code STOPPING=1});
     * returns false, never throws, when it could not be sent: the node must not fail because its
     * supervisor's socket misbehaves (systemd then acts on the missing ping, as it should).
     */
    public boolean send(String message) {
        if (socket == null) {
            return false;
        }
        byte[] addr = address(socket);
        if (addr == null) {
            return false;
        }
        try {
            LibC c = Holder.LIBC;
            int fd = c.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return false;
            }
            try {
                byte[] body = message.getBytes(StandardCharsets.UTF_8);
                return c.sendto(fd, body, new NativeLong(body.length), 0, addr, addr.length).longValue() == body.length;
            } finally {
                c.close(fd);
            }
        } catch (LinkageError e) {
            return false; // no usable C library binding: behave as if not under systemd
        }
    }

    /**
     * {@code struct sockaddr_un} for {@code path}; a leading {@code @} is Linux's abstract
     * namespace (a NUL byte, and no terminating NUL counted). Null when the path does not fit.
     */
    static byte[] address(String path) {
        boolean abstractName = path.startsWith("@");
        byte[] name = (abstractName ? "\0" + path.substring(1) : path).getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX) {
            return null;
        }
        int len = 2 + name.length + (abstractName ? 0 : 1);
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_UNIX).put(name);
        return b.array();
    }

    /** Loaded on first use only, so that nodes not under systemd never touch native code. */
    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }
}
