package io.vigil.vip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this process may add and remove addresses (CAP_NET_ADMIN), read from the effective
 * capability mask in {@code /proc/self/status}. Checked when the node starts rather than when it
 * first takes the virtual IP: otherwise a node missing the capability would run for days as SECOND
 * and only fail at the moment of a failover, when the services are already moving.
 */
public final class NetAdminCapability {
    /** Bit number of CAP_NET_ADMIN in the kernel's capability masks (linux/capability.h). */
    static final int CAP_NET_ADMIN = 12;
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private NetAdminCapability() {
    }

    /**
     * Whether the {@code CapEff:} line of a {@code /proc/<pid>/status} text has CAP_NET_ADMIN;
     * empty when the text has no such line (not Linux, or an unreadable status).
     */
    static Optional<Boolean> effective(String procStatus) {
        return effectiveMask(procStatus).map(mask -> (mask & (1L << CAP_NET_ADMIN)) != 0);
    }

    /** The effective capability mask of a {@code /proc/<pid>/status} text; empty when it has none. */
    public static Optional<Long> effectiveMask(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                try {
                    return Optional.of(Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The problem to report when a node with virtual IP {@code vip} (a.b.c.d[/prefix]) could not
     * manage it, given this process's status text; empty when there is none (loopback mode needs
     * no capability; an unknown mask is not reported, the failing {@code ip} command still is).
     */
    public static Optional<String> problem(String vip, String procStatus) {
        String address = vip.split("/")[0].strip();
        if (address.startsWith("127.") || effective(procStatus).orElse(true)) {
            return Optional.empty();
        }
        return Optional.of("cannot add the VIP: vip.address " + address + " needs the CAP_NET_ADMIN capability to"
                + " add and remove the address, and the node lacks it (user " + System.getProperty("user.name") + ")."
                + " Run it under the vigil-node unit (AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW) or as root;"
                + " or give Java the capabilities with `setcap cap_net_admin,cap_net_raw+ep " + javaBinary() + "`."
                + " To try Vigil without it, use a 127.x address (loopback mode).");
    }

    /** {@link #problem(String, String)} for this process. */
    public static Optional<String> problem(String vip) {
        String status;
        try {
            status = Files.readString(PROC_STATUS);
        } catch (IOException | SecurityException e) {
            status = "";
        }
        return problem(vip, status);
    }

    private static String javaBinary() {
        // setcap needs the real file, not the /usr/bin/java alternatives link.
        String java = ProcessHandle.current().info().command().orElse("/usr/bin/java");
        try {
            return Path.of(java).toRealPath().toString();
        } catch (IOException e) {
            return java;
        }
    }
}
