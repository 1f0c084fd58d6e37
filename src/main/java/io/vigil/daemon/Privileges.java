package io.vigil.daemon;

import io.vigil.config.VigilConfig;
import io.vigil.vip.NetAdminCapability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a node needs from the system before it starts (issue 15): the package runs it as the
 * {@code vigil} user with only CAP_NET_ADMIN and CAP_NET_RAW (the {@code vigil-node} unit's
 * {@code AmbientCapabilities=}), a checkout or the demo runs it as root. A node short of a
 * capability or of its own files would otherwise run for days as SECOND and fail at the first
 * failover, when the services are already moving; so each lack is named up front, with the fix.
 * Read from this process's effective capability mask ({@code CapEff:} in /proc/self/status).
 */
public final class Privileges {
    static final int CAP_NET_BIND_SERVICE = 10;
    static final int CAP_NET_RAW = 13;
    private static final String UNIT = "run the node under the vigil-node unit (AmbientCapabilities=CAP_NET_ADMIN"
            + " CAP_NET_RAW) or as root";

    /** The running process: its user and its effective capabilities (null: unknown, nothing is reported). */
    record Process(String user, Long capEff) {
        boolean has(int capability) {
            return capEff == null || (capEff & (1L << capability)) != 0;
        }

        boolean root() {
            return "root".equals(user);
        }
    }

    private Privileges() {
    }

    /** The problems of starting {@code c} in this process, one line each; empty when it may start. */
    public static List<String> problems(VigilConfig c) {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException | SecurityException e) {
            status = "";
        }
        Process self = new Process(System.getProperty("user.name"), NetAdminCapability.effectiveMask(status).orElse(null));
        List<String> problems = new ArrayList<>(capabilityProblems(c, self, status));
        if (!self.root()) {
            problems.addAll(ownershipProblems(c, self.user()));
        }
        return problems;
    }

    static List<String> capabilityProblems(VigilConfig c, Process self, String procStatus) {
        List<String> problems = new ArrayList<>();
        if (c.vip() != null) {
            NetAdminCapability.problem(c.vip().address(), procStatus).ifPresent(problems::add);
            if (!c.vip().address().startsWith("127.") && !self.has(CAP_NET_RAW)) {
                problems.add("cannot announce the VIP " + c.vip().address() + " (gratuitous ARP with arping): the node"
                        + " lacks CAP_NET_RAW (user " + self.user() + "); " + UNIT);
            }
        }
        if (!self.has(CAP_NET_BIND_SERVICE)) {
            lowPorts(c).forEach((key, port) -> problems.add(key + " " + port + " is below 1024, which needs"
                    + " CAP_NET_BIND_SERVICE, and the node lacks it (user " + self.user() + "): use a port from 1024"
                    + " up, or add the capability (systemctl edit vigil-node: [Service]"
                    + " AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE) or run the node as root"));
        }
        return problems;
    }

    /** The ports the node (or its PostgreSQL, which inherits its capabilities) listens on below 1024. */
    static Map<String, Integer> lowPorts(VigilConfig c) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("admin.port", c.admin().port());
        ports.put("heartbeat.basePort+" + (c.node().id() - 1), c.heartbeat().port(c.node().id()));
        if (c.console() != null) {
            ports.put("console.port", c.console().port());
        }
        if (c.database() != null && c.database().internal()) {
            ports.put("database.port", c.database().port());
        }
        if (c.replication() != null) {
            ports.put("replication.port", c.replication().port());
        }
        ports.values().removeIf(p -> p <= 0 || p >= 1024);
        return ports;
    }

    /**
     * A node that is not root must own its folders: it writes its state and logs there, and
     * PostgreSQL refuses a data directory its user does not own. After `vigil setup` ran as root
     * they belong to root; the fix is one chown.
     */
    static List<String> ownershipProblems(VigilConfig c, String user) {
        List<String> problems = new ArrayList<>();
        Map<String, Path> dirs = new LinkedHashMap<>();
        dirs.put("node.dataDir", c.node().dataDir());
        dirs.put("node.logDir", c.node().logDir());
        if (c.database() != null && c.database().internal()) {
            dirs.put("database.dataDir", c.database().dataDir());
        }
        dirs.forEach((key, dir) -> owner(dir).filter(o -> !o.equals(user)).ifPresent(o -> problems.add(key + " " + dir
                + " belongs to " + o + ", but the node runs as " + user + ", which must own it (and PostgreSQL"
                + " runs as " + user + " too): run `chown -R " + user + ":" + user + " " + dir + "` as root (e.g. after"
                + " `vigil setup` ran as root), or run the node as root")));
        return problems;
    }

    private static Optional<String> owner(Path dir) {
        try {
            return Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
                    ? Optional.of(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName()) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
