package io.vigil.vip;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The cluster address (SPEC §4): an IPv4 address held only by the node running the services.
 * Added with {@code ip addr}, announced with gratuitous ARP so switches and clients learn the new
 * holder at once (several announcements, as keepalived sends), removed before the other node may
 * take it. A 127.x address is loopback mode: nothing to add or announce, for trying the cluster
 * on one machine without root.
 */
public final class VirtualIp {
    /** Announcements right after taking the address, then again after a pause (keepalived's garp repeat). */
    static final int ANNOUNCEMENTS = 3;
    static final long REPEAT_AFTER_MS = 2_000;

    private final String address;
    private final int prefix;
    private final String iface;
    private final boolean loopback;
    private final Consumer<String> log;

    private VirtualIp(String address, int prefix, String iface, boolean loopback, Consumer<String> log) {
        this.address = address;
        this.prefix = prefix;
        this.iface = iface;
        this.loopback = loopback;
        this.log = log;
    }

    /**
     * Parses {@code a.b.c.d/prefix}. IPv6 is refused (SPEC: not supported); an interface is required
     * unless the address is a loopback one.
     */
    public static VirtualIp of(String cidr, String iface, Consumer<String> log) {
        String[] parts = cidr.trim().split("/");
        if (parts[0].contains(":")) {
            throw new IllegalArgumentException("vip.address " + cidr + " is IPv6; Vigil's virtual IP is IPv4 only");
        }
        int prefix;
        try {
            prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : 24;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vip.address " + cidr + ": the prefix after / must be a number 1-32");
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByName(parts[0]);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("vip.address " + cidr + " is not an IPv4 address");
        }
        if (!(ip instanceof Inet4Address) || !parts[0].matches("\\d+\\.\\d+\\.\\d+\\.\\d+") || prefix < 1 || prefix > 32) {
            throw new IllegalArgumentException("vip.address " + cidr + " must look like 10.0.0.10/24 (IPv4, prefix 1-32)");
        }
        boolean loop = ip.isLoopbackAddress();
        if (!loop && (iface == null || iface.isBlank())) {
            throw new IllegalArgumentException("vip.interface is required for " + cidr
                    + ": name the interface on the nodes' subnet (e.g. eth0)");
        }
        if (iface != null && !isInterfaceName(iface)) {
            throw new IllegalArgumentException("vip.interface '" + printable(iface) + "' is not a Linux interface"
                    + " name: use 1-15 letters, digits, '_', '.', ':' or '-' (not '.' or '..'), as `ip link` shows it,"
                    + " e.g. eth0");
        }
        return new VirtualIp(parts[0], prefix, iface, loop, log);
    }

    /**
     * The names the kernel accepts (dev_valid_name: at most 15 bytes, no '/', no white space,
     * not "." or ".."), narrowed to the characters interface names use in practice. The name is
     * passed as one argument to ip and arping as root, never through a shell (issue 10 item 8).
     */
    static boolean isInterfaceName(String name) {
        return name.matches("[A-Za-z0-9_.:-]{1,15}") && !name.equals(".") && !name.equals("..");
    }

    private static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }

    public String address() {
        return address;
    }

    public boolean loopback() {
        return loopback;
    }

    /** Takes the address and announces it. Idempotent. */
    public void up() throws IOException {
        if (loopback) {
            log.accept("virtual IP " + address + " (loopback mode: nothing to configure)");
            return;
        }
        run(List.of("ip", "-4", "addr", "add", address + "/" + prefix, "dev", iface), "File exists", "already assigned");
        log.accept("virtual IP " + address + "/" + prefix + " added on " + iface + "; announcing it (gratuitous ARP)");
        // arping sends one announcement a second: never on the caller's thread, which is the node's
        // event loop (a 3 s stall there would miss heartbeats and lease renewals).
        Thread t = new Thread(() -> {
            try {
                announce();
                Thread.sleep(REPEAT_AFTER_MS);
                if (held()) {
                    announce();
                }
            } catch (InterruptedException | IOException e) {
                log.accept("virtual IP announcement failed: " + e.getMessage());
            }
        }, "vigil-vip-announce");
        t.setDaemon(true);
        t.start();
    }

    /** Gives the address up. Idempotent: removing an address we do not hold succeeds. */
    public void down() throws IOException {
        if (loopback) {
            return;
        }
        // iproute2 versions word "not held" differently; either way it is what we want.
        run(List.of("ip", "-4", "addr", "del", address + "/" + prefix, "dev", iface),
                "Cannot assign requested address", "Address not found");
        log.accept("virtual IP " + address + " removed from " + iface);
    }

    /**
     * The program and arguments that remove the address, for the fencing watchdog, which runs
     * them without a shell; empty in loopback mode (nothing to remove).
     */
    public List<String> removeCommand() {
        return loopback ? List.of() : List.of("ip", "-4", "addr", "del", address + "/" + prefix, "dev", iface);
    }

    boolean held() throws IOException {
        return !loopback && run(List.of("ip", "-4", "-o", "addr", "show", "dev", iface)).contains(" " + address + "/");
    }

    private void announce() throws IOException {
        // Habets' arping: -U unsolicited (gratuitous) ARP; exit 1 means "no reply", normal here.
        List<String> cmd = List.of("arping", "-q", "-U", "-c", Integer.toString(ANNOUNCEMENTS), "-i", iface,
                "-S", address, address);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(ANNOUNCEMENTS + 3L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String run(List<String> cmd, String... harmless) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd));
        }
        if (code != 0 && java.util.Arrays.stream(harmless).noneMatch(out::contains)) {
            String hint = out.contains("Operation not permitted")
                    ? " — the node needs CAP_NET_ADMIN (run it as root, or use a 127.x address for loopback mode)" : "";
            throw new IOException("`" + String.join(" ", cmd) + "` failed (exit " + code + "): " + out + hint);
        }
        return out;
    }
}
