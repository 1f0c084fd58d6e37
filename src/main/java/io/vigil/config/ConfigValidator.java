package io.vigil.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Value rules and cross-references of a {@link VigilConfig}; the first broken rule is reported. */
final class ConfigValidator {

    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern RESOURCE_NAME = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");
    static final int MIN_KEY_HEX = 32;

    private final VigilConfig c;
    private final Path file;

    private ConfigValidator(VigilConfig c) {
        this.c = c;
        this.file = c.sourceFile();
    }

    static void validate(VigilConfig c) throws ConfigException {
        ConfigValidator v = new ConfigValidator(c);
        v.cluster();
        v.network(); // before node(): peer.adminAddress defaults to a heartbeat address
        v.node();
        v.failover();
        if (c.database() != null) {
            new DatabaseValidator(c.sourceFile()).validate(c.database(), c.resources());
        }
        if (c.replication() != null) {
            v.replication(c.replication());
        }
        v.restart("restart", c.restart());
        ResourceGraph.check(c.sourceFile(), c.resources());
        for (int i = 0; i < c.resources().size(); i++) {
            v.resource("resources[" + i + "]", c.resources().get(i));
        }
        v.require(c.logs().maxFileBytes() >= 4096, "logs.maxFileBytes", "must be at least 4096",
                "Use a larger size, e.g. 10485760 (10 MiB)");
        v.console();
        v.events();
        v.notifications();
        v.require(c.logs().keepFiles() >= 1, "logs.keepFiles", "must be at least 1", "Keep at least one old file");
    }

    private void cluster() throws ConfigException {
        ClusterSection s = c.cluster();
        require(s.name() != null && CLUSTER_NAME.matcher(s.name()).matches(), "cluster.name",
                "must be 1 to 32 letters, digits, '_' or '-'", "Choose a simple name such as 'vms-cluster'");
        require((s.key() == null) != (s.keyFile() == null), "cluster.key",
                s.key() == null ? "neither key nor keyFile is set" : "both key and keyFile are set",
                "Set exactly one: 'key' with the hex secret, or 'keyFile' with the path of a file holding it");
        if (s.key() != null) {
            checkKey(file, "cluster.key", s.key());
        }
    }

    /** Also used for key files; never puts the key itself in a message. */
    static void checkKey(Path file, String path, String hex) throws ConfigException {
        if (!HEX.matcher(hex).matches() || hex.length() % 2 != 0) {
            throw new ConfigException(file, path, "the key must be hexadecimal digits, an even number of them",
                    "Generate one with: openssl rand -hex 32");
        }
        if (hex.length() < MIN_KEY_HEX) {
            throw new ConfigException(file, path, "the key is too short (" + hex.length()
                    + " hex digits, at least " + MIN_KEY_HEX + " needed)", "Generate one with: openssl rand -hex 32");
        }
    }

    private void node() throws ConfigException {
        require(c.node().id() == 1 || c.node().id() == 2, "node.id", "must be 1 or 2, was " + c.node().id(),
                "Use 1 on the primary node and 2 on the secondary");
        require(c.node().dataDir() != null, "node.dataDir", "is required", "Set the node's data folder");
        port("admin.port", c.admin().port());
        ipv4("admin.bindAddress", c.admin().bindAddress());
        host("peer.adminAddress", c.peer().adminAddress());
        port("peer.adminPort", c.peer().adminPort());
        adminReachable();
        adminSocket();
        if (c.witness() != null && c.witness().isPing()) {
            ipv4("witness.ping", c.witness().ping());
            require(!c.witness().ping().startsWith("127.") && !c.witness().ping().equals("0.0.0.0"), "witness.ping",
                    "must be an address beyond this machine, was " + c.witness().ping() + " (it always answers)",
                    "Use the default gateway of the nodes' subnet (see `ip route`)");
        } else if (c.witness() != null) {
            host("witness.address", c.witness().address());
            port("witness.port", c.witness().port());
        }
        if (c.vip() != null) {
            try {
                io.vigil.vip.VirtualIp.of(c.vip().address(), c.vip().iface(), line -> { });
            } catch (IllegalArgumentException e) {
                String key = e.getMessage().startsWith("vip.interface") ? "vip.interface" : "vip.address";
                throw new ConfigException(file, key, e.getMessage().substring(e.getMessage().indexOf(' ') + 1),
                        "Use an IPv4 address of the nodes' subnet with its prefix, and the interface that carries it");
            }
        }
    }

    /**
     * Issue 12: the TCP admin channel serves only the peer, which dials the address it knows as
     * its {@code peer.adminAddress}. A node bound to loopback while its peer lives elsewhere could
     * never be reached (the README's own example once did this), so the peer's console and
     * {@code --cluster} failed for no visible reason. Both nodes on one machine (the demo, tests)
     * use loopback on both sides, which stays allowed.
     */
    private void adminReachable() throws ConfigException {
        String bind = c.admin().bindAddress();
        String peer = c.peer().adminAddress();
        if (bind.startsWith("127.") && !peer.startsWith("127.") && !peer.equals("localhost")) {
            String own = c.heartbeat().networks().isEmpty() ? "this node's address on the heartbeat network"
                    : c.heartbeat().networks().get(0).local();
            throw new ConfigException(file, "admin.bindAddress", "is the loopback address " + bind + " while the"
                    + " peer is at " + peer + " (peer.adminAddress): the peer could never reach this node's admin"
                    + " channel, so its console and --cluster commands would fail", "Write bindAddress: " + own
                    + " (the address the peer dials; the default), or 0.0.0.0; the local CLI uses the Unix socket"
                    + " admin.socket, not this address");
        }
    }

    /** A Unix socket's path holds at most 107 bytes (sun_path); a longer one fails only at start. */
    private void adminSocket() throws ConfigException {
        Path socket = c.admin().socketPath(c.node().dataDir()).toAbsolutePath();
        int bytes = socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        require(bytes <= MAX_SOCKET_PATH_BYTES, "admin.socket", "the local CLI's socket " + socket + " is " + bytes
                + " bytes long, more than the " + MAX_SOCKET_PATH_BYTES + " a Unix socket's path may have"
                + (c.admin().socket() == null ? " (it defaults to <node.dataDir>/admin.sock)" : ""),
                "Set admin.socket to a shorter path, e.g. /run/vigil/admin.sock");
    }

    static final int MAX_SOCKET_PATH_BYTES = 107;

    private void network() throws ConfigException {
        HeartbeatSection h = c.heartbeat();
        require(h.intervalMs() >= 50, "heartbeat.intervalMs", "must be at least 50, was " + h.intervalMs(),
                "Use 1000 unless you have a reason");
        require(h.timeoutMs() >= 2 * h.intervalMs(), "heartbeat.timeoutMs",
                "must be at least two heartbeat intervals (" + 2 * h.intervalMs() + "), was " + h.timeoutMs(),
                "Raise timeoutMs or lower intervalMs; one lost datagram must never cause a failover");
        require(h.basePort() >= 1 && h.basePort() <= 65534, "heartbeat.basePort",
                "must be between 1 and 65534 (node 2 uses basePort+1), was " + h.basePort(), "Use 8888");
        require(!h.networks().isEmpty(), "heartbeat.networks", "at least one network is required",
                "Add '- {local: <this node's IPv4>, peer: <peer's IPv4>}'");
        for (int i = 0; i < h.networks().size(); i++) {
            ipv4("heartbeat.networks[" + i + "].local", h.networks().get(i).local());
            ipv4("heartbeat.networks[" + i + "].peer", h.networks().get(i).peer());
        }
    }

    private void failover() throws ConfigException {
        FailoverSection f = c.failover();
        long interval = c.heartbeat().intervalMs();
        long timeout = c.heartbeat().timeoutMs();
        require(f.serviceFailoverDelayMs() >= 0, "failover.serviceFailoverDelayMs", "must not be negative", "Use 30000");
        require(f.maxFailovers() >= 0, "failover.maxFailovers", "must not be negative", "Use 2");
        require(f.maxStartFailures() >= 1, "failover.maxStartFailures", "must be at least 1", "Use 3");
        require(f.flappingWindowMs() > 0, "failover.flappingWindowMs", "must be positive", "Use 21600000 (6 h)");
        // Same rule as CoreConfig: the services must be stopped before the peer may take over.
        require(f.fenceMarginMs() >= 0 && f.fenceMarginMs() < timeout - interval, "failover.fenceMarginMs",
                "must be at least 0 and less than heartbeat.timeoutMs - heartbeat.intervalMs ("
                        + (timeout - interval) + "), was " + f.fenceMarginMs(), "Use 500 with the default timings");
    }

    /**
     * The SECOND makes each directory an exact copy of the PRIM's, deleting what the PRIM lacks:
     * so a directory must never overlap another one or Vigil's own data (SPEC §3).
     */
    void replication(ReplicationSection r) throws ConfigException {
        port("replication.port", r.port());
        port("replication.peerPort", r.peerPort());
        ipv4("replication.bindAddress", r.bindAddress());
        host("replication.peerAddress", r.peerAddress());
        require(r.intervalMs() >= 100, "replication.intervalMs", "must be at least 100, was " + r.intervalMs(),
                "Use 2000 (the SECOND pulls changes every 2 s)");
        require(!r.directories().isEmpty(), "replication.directories", "no directory is listed",
                "List the directories to replicate, e.g. '- /etc/vms/certs', or remove the replication section");
        for (int i = 0; i < r.directories().size(); i++) {
            directory("replication.directories[" + i + "]", r.directories().get(i), r.directories().subList(0, i));
        }
    }

    private void directory(String path, ReplicationSection.Directory d, List<ReplicationSection.Directory> before)
            throws ConfigException {
        require(d.name() != null && !d.name().isBlank() && d.name().length() <= 200
                && d.name().chars().noneMatch(Character::isISOControl), path + ".name",
                "must be 1 to 200 printable characters", "Give the directory a short name such as 'certs'");
        Path p = d.path();
        require(p.isAbsolute(), path + ".path", "must be an absolute path, was '" + p + "'",
                "Write the full path, e.g. /etc/vms/certs; it must be the same directory on both nodes");
        require(p.getNameCount() > 0, path + ".path", "the root directory cannot be replicated",
                "List the directories that hold the data, e.g. /etc/vms/certs");
        for (Path own : java.util.stream.Stream.of(c.node().dataDir(), c.node().logDir())
                .filter(java.util.Objects::nonNull).map(Path::toAbsolutePath).toList()) {
            require(!p.startsWith(own) && !own.startsWith(p), path + ".path", "'" + p + "' overlaps Vigil's own "
                    + "data or log directory " + own + ", which the SECOND would overwrite",
                    "Replicate only the VMS's directories");
        }
        for (int j = 0; j < before.size(); j++) {
            ReplicationSection.Directory o = before.get(j);
            require(!o.name().equals(d.name()), path + ".name", "duplicate name '" + d.name() + "' (also "
                    + "replication.directories[" + j + "])", "Give each directory its own name");
            require(!p.startsWith(o.path()) && !o.path().startsWith(p), path + ".path", "'" + p + "' overlaps "
                    + "replication.directories[" + j + "] (" + o.path() + ")",
                    "List each directory once; a replicated directory already includes its subdirectories");
        }
    }

    private void restart(String path, RestartSection r) throws ConfigException {
        require(r.maxRestarts() >= 0, path + ".maxRestarts", "must not be negative", "Use 3, or 0 for no local restart");
        require(r.windowMs() > 0, path + ".windowMs", "must be positive", "Use 300000 (5 min)");
    }

    private void resource(String path, ResourceSection r) throws ConfigException {
        require(!r.start().isEmpty(), path + ".start", "the start command is empty", "Give the command that starts it");
        require(r.startTimeoutMs() > 0, path + ".startTimeoutMs", "must be positive", "Use 30000");
        require(r.stopTimeoutMs() > 0, path + ".stopTimeoutMs", "must be positive", "Use 10000");
        if (r.restart() != null) {
            restart(path + ".restart", r.restart());
        }
        for (int i = 0; i < r.checkers().size(); i++) {
            checker(path + ".checkers[" + i + "]", r.checkers().get(i));
        }
    }

    private void checker(String path, CheckerSection k) throws ConfigException {
        switch (k.type()) {
            case TCP -> {
                host(path + ".host", k.host());
                port(path + ".port", k.port());
            }
            case HTTP -> {
                String url = k.url() == null ? "" : k.url();
                require(url.matches("https?://[^\\[/]+(/.*)?"), path + ".url",
                        "must be an http:// or https:// URL with a host name or IPv4 address",
                        "For example http://127.0.0.1:8081/health (IPv6 is not supported)");
                require(k.expectStatus() >= 100 && k.expectStatus() <= 599, path + ".expectStatus",
                        "must be an HTTP status (100..599), was " + k.expectStatus(), "Use 200");
            }
            case COMMAND -> require(!k.command().isEmpty(), path + ".command", "is empty", "Give the probe command");
            case PROCESS -> { }
        }
        require(k.intervalMs() >= 50, path + ".intervalMs", "must be at least 50", "Use 1000");
        require(k.timeoutMs() > 0, path + ".timeoutMs", "must be positive", "Use 1000");
        require(k.fall() >= 1, path + ".fall", "must be at least 1", "Use 3");
        require(k.rise() >= 1, path + ".rise", "must be at least 1", "Use 2");
        require(k.graceMs() >= 0, path + ".graceMs", "must not be negative", "Use 5000");
    }

    /** SPEC §7: no default password, so an enabled console without one is a configuration error. */
    private void console() throws ConfigException {
        ConsoleSection k = c.console();
        if (k == null) {
            return;
        }
        port("console.port", k.port());
        ipv4("console.bindAddress", k.bindAddress());
        require((k.password() == null) != (k.passwordFile() == null), "console.password",
                k.password() == null ? "the console is enabled but has no password (there is no default)"
                        : "both password and passwordFile are set",
                "Set exactly one: 'passwordFile' with the path of a file holding the admin password (recommended), "
                        + "or 'password'");
        require(k.password() == null || k.password().length() >= 8, "console.password",
                "is shorter than 8 characters", "Choose a longer password");
        require((k.certificate() == null) == (k.privateKey() == null), k.certificate() == null ? "console.certificate"
                        : "console.privateKey", "HTTPS needs both a certificate and its private key",
                "Set both 'certificate' and 'privateKey' (PEM files) for HTTPS, or neither for HTTP");
        require(k.mode() != ConsoleSection.Mode.HTTP_ASKED || k.certificate() == null, "console.protocol",
                "is http, but a certificate is configured", "Remove 'protocol: http' to serve HTTPS with it, or remove"
                        + " 'certificate' and 'privateKey'");
        require(k.mode() != ConsoleSection.Mode.HTTPS_CLUSTER || io.vigil.pki.ClusterTls.present(c.node().dataDir()),
                "console.protocol", "is https, but no certificate is configured and this node has no cluster"
                        + " certificates in " + io.vigil.pki.ClusterTls.dir(c.node().dataDir()) + " to issue one from",
                "Pair the nodes first (vigil setup), or set 'certificate' and 'privateKey'");
    }

    /** The event server account: a password in a file only (never in the configuration, which many can read). */
    private void events() throws ConfigException {
        EventsSection e = c.events();
        if (e == null) {
            return;
        }
        require(e.user() != null && e.user().matches("[A-Za-z0-9_.-]{1,64}"), "events.user",
                "must be the name of a management server account (letters, digits, '_', '.', '-')",
                "Create an account with role reporter on the management server and write its name");
        require(e.passwordFile() != null, "events.passwordFile", "is missing",
                "Write the path of a file, readable only by the vigil user, holding the account's password");
        require(java.nio.file.Files.isReadable(e.passwordFile()), "events.passwordFile",
                "cannot read " + e.passwordFile(), "Check that the file exists and the vigil user can read it");
    }

    /** Webhook secrets and SNMP communities are files (never in the configuration, which many can read). */
    private void notifications() throws ConfigException {
        NotificationsSection n = c.notifications();
        for (int i = 0; i < n.webhooks().size(); i++) {
            java.nio.file.Path f = n.webhooks().get(i).secretFile();
            require(java.nio.file.Files.isReadable(f), "notifications.webhooks[" + i + "].secretFile",
                    "cannot read " + f, "Create it (e.g. openssl rand -hex 32 > " + f + "; chmod 600 " + f + ")");
        }
        for (int i = 0; i < n.snmp().size(); i++) {
            java.nio.file.Path f = n.snmp().get(i).communityFile();
            require(java.nio.file.Files.isReadable(f), "notifications.snmp[" + i + "].communityFile",
                    "cannot read " + f, "Write the manager's community string into it, mode 0600");
        }
        if (n.agent() != null) {
            java.nio.file.Path f = n.agent().communityFile();
            require(java.nio.file.Files.isReadable(f), "notifications.snmpAgent.communityFile", "cannot read " + f,
                    "Write the community managers will send into it (e.g. openssl rand -hex 12 > " + f
                            + "; chmod 600 " + f + ")");
            port("notifications.snmpAgent.port", n.agent().port());
        }
    }

    private void port(String path, int port) throws ConfigException {
        require(port >= 1 && port <= 65535, path, "must be a port between 1 and 65535, was " + port,
                "Use a free port in that range");
    }

    private void ipv4(String path, String address) throws ConfigException {
        noIpv6(path, address);
        require(Addresses.isIpv4(address), path, "must be an IPv4 address such as 192.168.1.10, was '" + address + "'",
                "Write the address in dotted form");
    }

    private void host(String path, String address) throws ConfigException {
        noIpv6(path, address);
        require(Addresses.isIpv4(address) || Addresses.isHostName(address), path,
                "must be an IPv4 address or a host name, was '" + address + "'", "Write e.g. 10.0.0.3 or node2");
    }

    private void noIpv6(String path, String address) throws ConfigException {
        require(address == null || !address.contains(":"), path, "IPv6 addresses are not supported (SPEC: IPv4 only)",
                "Use the node's IPv4 address");
    }

    private void require(boolean ok, String path, String problem, String fix) throws ConfigException {
        if (!ok) {
            throw new ConfigException(file, path, problem, fix);
        }
    }

    /** Resource names, uniqueness, dependencies and cycles. */
    static final class ResourceGraph {
        private ResourceGraph() {
        }

        static void check(Path file, List<ResourceSection> resources) throws ConfigException {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < resources.size(); i++) {
                String name = resources.get(i).name();
                if (name == null || !RESOURCE_NAME.matcher(name).matches()) {
                    throw new ConfigException(file, "resources[" + i + "].name",
                            "must be lower-case letters, digits and '-', was '" + name + "'", "For example 'mgmt-server'");
                }
                Integer prev = index.putIfAbsent(name, i);
                if (prev != null) {
                    throw new ConfigException(file, "resources[" + i + "].name", "duplicate resource name '" + name
                            + "' (also resources[" + prev + "])", "Give each resource its own name");
                }
            }
            for (int i = 0; i < resources.size(); i++) {
                List<String> deps = resources.get(i).dependsOn();
                for (int d = 0; d < deps.size(); d++) {
                    if (!index.containsKey(deps.get(d)) || deps.get(d).equals(resources.get(i).name())) {
                        throw new ConfigException(file, "resources[" + i + "].dependsOn[" + d + "]",
                                "'" + deps.get(d) + "' is not another resource", "Known resources: " + index.keySet());
                    }
                }
            }
            Set<String> done = new HashSet<>();
            for (ResourceSection r : resources) {
                visit(file, r.name(), resources, index, done, new ArrayList<>());
            }
        }

        private static void visit(Path file, String name, List<ResourceSection> resources, Map<String, Integer> index,
                                  Set<String> done, List<String> stack) throws ConfigException {
            if (done.contains(name)) {
                return;
            }
            int at = stack.indexOf(name);
            if (at >= 0) {
                List<String> cycle = new ArrayList<>(stack.subList(at, stack.size()));
                cycle.add(name);
                throw new ConfigException(file, "resources[" + index.get(name) + "].dependsOn",
                        "dependency cycle: " + String.join(" -> ", cycle),
                        "Remove one of these dependencies; resources start in dependency order");
            }
            stack.add(name);
            for (String dep : resources.get(index.get(name)).dependsOn()) {
                visit(file, dep, resources, index, done, stack);
            }
            stack.remove(stack.size() - 1);
            done.add(name);
        }
    }
}
