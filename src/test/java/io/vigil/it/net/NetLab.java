package io.vigil.it.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Hosts in network namespaces on one Ethernet segment, with fault injection, for tests that run real
 * Vigil processes on a real network. Needs root ({@link #requireRoot()}).
 *
 * <p>Layout for {@code create("vt", "node1", "node2")} holding lab number X:
 * <pre>
 *   netns vt-X-switch:  br0 (bridge) with ports "node1", "node2" (veth ends named after the hosts)
 *   netns vt-X-node1:   lo, eth0 10.77.X.1/24   (other end of port "node1")
 *   netns vt-X-node2:   lo, eth0 10.77.X.2/24
 * </pre>
 * With {@link #create(String, int, String...)} and N networks, network k (from 0) is bridge
 * {@code br<k>}, port {@code <host>} for k = 0 and {@code <host>n<k>} after, host interface
 * {@code eth<k>}, subnet 10.(77+k).X.0/24: separate heartbeat networks for the same hosts.
 * {@link #partition} and {@link #linkDown} act on every network, as a cut between two hosts or a
 * power loss would; the variants with a network number act on one.
 *
 * <p>Nothing is created in the root namespace, so a lab can neither disturb the machine's own network
 * nor collide with another lab: X is unique among live labs ({@link LabNumber}), and addresses from
 * .100 up ({@link #address(int)}) are free for virtual IPs. Faults are applied at the switch
 * ({@link SwitchFaults}). {@link #close()} deletes the namespaces, which removes the veths, the
 * bridge and the rules with them.
 */
public final class NetLab implements AutoCloseable {
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,7}");
    /** A host name is also its switch port's name, and interface names have at most 15 characters. */
    private static final Pattern HOST = Pattern.compile("[a-z][a-z0-9]{0,14}");
    private static final String SWITCH = "switch";
    private static final String IFACE = "eth0";
    private static final int MAX_NETWORKS = 4;
    private static final List<String> TOOLS = List.of("ip", "nft", "arping", "ping", "setsid", "kill");
    private static volatile boolean prerequisitesMet;

    private final String prefix;
    private final LabNumber lab;
    private final int networks;
    private final Map<String, Integer> hosts = new LinkedHashMap<>();
    private final SwitchFaults faults;
    private final ProcessGroups processes = new ProcessGroups();
    private final List<String> history = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook = new Thread(this::closeQuietly, "netlab-cleanup");
    private boolean closed;

    private NetLab(String prefix, LabNumber lab, int networks, List<String> hostNames) {
        this.prefix = prefix;
        this.lab = lab;
        this.networks = networks;
        for (String h : hostNames) {
            hosts.put(h, hosts.size() + 1);
        }
        this.faults = new SwitchFaults(switchNamespace());
    }

    /**
     * Builds a lab with the given hosts (addresses .1, .2, ... in host order), after removing what a
     * crashed earlier run with the same prefix left behind.
     */
    public static NetLab create(String prefix, String... hostNames) {
        return create(prefix, 1, hostNames);
    }

    /** The same hosts on {@code networks} separate segments (1 to 4), each with its own bridge. */
    public static NetLab create(String prefix, int networks, String... hostNames) {
        validate(prefix, networks, List.of(hostNames));
        requireRoot();
        LabNumber number = LabNumber.acquire();
        NetLab lab = new NetLab(prefix, number, networks, List.of(hostNames));
        try {
            Namespaces.removeLeftovers(prefix, number.value);
            Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
            lab.build();
            return lab;
        } catch (RuntimeException | Error e) {
            lab.closeQuietly();
            throw e;
        }
    }

    /**
     * Fails (never skips) when this JVM cannot build labs: CI runs these tests as root, so a missing
     * privilege or tool there is a broken build, not a reason to pass quietly.
     */
    public static void requireRoot() {
        if (prerequisitesMet) {
            return;
        }
        List<String> problems = new ArrayList<>();
        Cmd.Result uid = Cmd.run("id", "-u");
        if (!uid.ok() || !uid.output().strip().equals("0")) {
            problems.add("not root (uid " + uid.output().strip() + ")");
        }
        for (String tool : TOOLS) {
            if (!Cmd.run("sh", "-c", "command -v " + tool).ok()) {
                problems.add(tool + " not found");
            }
        }
        if (!problems.contains("arping not found") && !Cmd.run("arping", "--help").output().contains("Habets")) {
            problems.add("arping is not Thomas Habets' arping (Debian package `arping`, not `iputils-arping`)");
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("network namespace tests need root and iproute2/nftables/arping/iputils-ping:"
                    + " run them as root, CI does; install with scripts/setup.sh (" + String.join("; ", problems) + ")");
        }
        prerequisitesMet = true;
    }

    /** The host's own IPv4 address. */
    public String ip(String host) {
        return address(index(host));
    }

    /** The host's IPv4 address on network {@code network} (0 is {@link #ip(String)}). */
    public String ip(String host, int network) {
        checkNetwork(network);
        return "10." + (77 + network) + "." + lab.value + "." + index(host);
    }

    public int networks() {
        return networks;
    }

    /** 10.77.X.{@code lastOctet} on this lab's segment; from 100 up, no host uses it (virtual IPs). */
    public String address(int lastOctet) {
        if (lastOctet < 1 || lastOctet > 254) {
            throw new IllegalArgumentException("last octet must be in 1..254, was " + lastOctet);
        }
        return "10.77." + lab.value + "." + lastOctet;
    }

    public int prefixLength() {
        return 24;
    }

    /** The host's interface on the segment (the same name in every host). */
    public String iface(String host) {
        index(host);
        return IFACE;
    }

    public String namespace(String host) {
        index(host);
        return namespacePrefix(prefix, lab.value) + host;
    }

    public List<String> hosts() {
        return List.copyOf(hosts.keySet());
    }

    /** Every namespace of this lab, the switch's included. */
    public List<String> namespaces() {
        List<String> out = new ArrayList<>();
        hosts.keySet().forEach(h -> out.add(namespace(h)));
        out.add(switchNamespace());
        return out;
    }

    /**
     * Starts {@code command} in the host's namespace, in its own process group (so that
     * {@link #killGroup} reaches its children too), stdout and stderr appended to {@code logFile}.
     * Whatever is still running at {@link #close()} is killed.
     */
    public Process exec(String host, List<String> command, Path logFile) {
        List<String> full = new ArrayList<>(List.of("setsid", "ip", "netns", "exec", namespace(host)));
        full.addAll(command);
        record("exec " + host + " " + String.join(" ", command));
        return processes.start(full, logFile);
    }

    /** Runs a command in the host's namespace to completion; returns its exit code. */
    public int run(String host, String... command) {
        return result(host, command).exitCode();
    }

    /** Runs a command in the host's namespace; throws with its output unless it succeeds, else returns the output. */
    public String check(String host, String... command) {
        return result(host, command).orThrow().output();
    }

    /** Runs a command in the host's namespace and returns its exit code and output. */
    public Cmd.Result result(String host, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        full.addAll(List.of(command));
        return Cmd.run(full, Cmd.TIMEOUT);
    }

    /** Sends {@code signal} ("KILL", "TERM", "STOP", ...) to the process's group; false if it is gone. */
    public boolean killGroup(Process p, String signal) {
        record("kill -" + signal + " group " + p.pid());
        return processes.signal(p, signal);
    }

    /** SIGSTOPs the process's group, as a long GC pause or a frozen VM would. */
    public void pause(Process p) {
        record("pause group " + p.pid());
        processes.pause(p);
    }

    public void resume(Process p) {
        record("resume group " + p.pid());
        processes.resume(p);
    }

    /** Power loss as the network sees it: the host's cables (every network) are pulled at both ends. */
    public void linkDown(String host) {
        record("link down " + host);
        setLink(host, "down");
    }

    /** Returns once the host's ports forward again, so that the next packet is not lost to the link coming up. */
    public void linkUp(String host) {
        record("link up " + host);
        setLink(host, "up");
        awaitLinkReady(host);
    }

    /** One of the host's cables pulled: network {@code network} only. */
    public void linkDown(String host, int network) {
        record("link down " + host + " net" + network);
        setLink(host, network, "down");
    }

    public void linkUp(String host, int network) {
        record("link up " + host + " net" + network);
        setLink(host, network, "up");
        awaitLinkReady(host, network);
    }

    /** Nothing passes between {@code a} and {@code b} on any network, in either direction, ARP included. */
    public void partition(String a, String b) {
        record("partition " + a + " " + b);
        for (int n = 0; n < networks; n++) {
            faults.drop(partitionKey(a, b), port(a, n), port(b, n));
            faults.drop(partitionKey(a, b), port(b, n), port(a, n));
        }
    }

    /** Nothing passes between {@code a} and {@code b} on network {@code network}; healed by {@link #heal}. */
    public void partition(String a, String b, int network) {
        record("partition " + a + " " + b + " net" + network);
        checkNetwork(network);
        faults.drop(partitionKey(a, b), port(a, network), port(b, network));
        faults.drop(partitionKey(a, b), port(b, network), port(a, network));
    }

    /**
     * IP packets from {@code from} to {@code to} are lost; the other direction still works. ARP still
     * passes: dropping it would break resolution both ways once the neighbour caches expire, turning a
     * one-way fault into a partition after a minute.
     */
    public void oneWay(String from, String to) {
        record("one-way " + from + " -> " + to);
        for (int n = 0; n < networks; n++) {
            faults.dropIp("oneway " + from + " " + to, port(from, n), port(to, n));
        }
    }

    /** Undoes {@link #partition} and {@link #oneWay} between the two hosts, in both directions. */
    public void heal(String a, String b) {
        record("heal " + a + " " + b);
        faults.remove(partitionKey(a, b));
        faults.remove("oneway " + a + " " + b);
        faults.remove("oneway " + b + " " + a);
    }

    /** Each frame to or from the host, on every network, is lost with probability {@code p} (replaces an earlier loss). */
    public void loss(String host, double p) {
        record("loss " + host + " " + p);
        for (int n = 0; n < networks; n++) {
            faults.loss("loss " + host + (n == 0 ? "" : " net" + n), port(host, n), p);
        }
    }

    public void noLoss(String host) {
        loss(host, 0);
    }

    /** Removes every network fault, brings every link up and resumes every paused process group. */
    public void healAll() {
        record("heal all");
        faults.clear();
        hosts.keySet().forEach(h -> setLink(h, "up"));
        hosts.keySet().forEach(this::awaitLinkReady);
        processes.resumeAll();
    }

    /** The fault rules now installed at the switch, for failure messages. */
    public String faultRules() {
        return faults.listing();
    }

    /** What was done to this lab, one timestamped line per action, for failure messages. */
    public List<String> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /**
     * Kills every process group started here and every process left in the lab's namespaces, then
     * deletes the namespaces (their veths, bridge and rules go with them). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            processes.killAll();
            namespaces().forEach(Namespaces::destroy);
            List<String> left = new ArrayList<>(namespaces());
            left.retainAll(Namespaces.list());
            if (!left.isEmpty()) {
                throw new IllegalStateException("namespaces left behind: " + left);
            }
        } finally {
            lab.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // We are the shutdown hook, or running beside it: nothing to deregister.
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("netlab " + namespacePrefix(prefix, lab.value) + ": cleanup failed: " + e.getMessage());
        }
    }

    private void build() {
        String sw = switchNamespace();
        root("ip", "netns", "add", sw);
        root("ip", "-n", sw, "link", "set", "dev", "lo", "up");
        for (int n = 0; n < networks; n++) {
            root("ip", "-n", sw, "link", "add", "name", "br" + n, "type", "bridge");
            root("ip", "-n", sw, "link", "set", "dev", "br" + n, "up");
        }
        faults.install();
        for (String host : hosts.keySet()) {
            String ns = namespace(host);
            root("ip", "netns", "add", ns);
            for (int n = 0; n < networks; n++) {
                // Both ends are created directly in their namespaces: no name ever appears in the root namespace.
                root("ip", "-n", sw, "link", "add", "name", port(host, n), "type", "veth", "peer", "name", "eth" + n,
                        "netns", ns);
                root("ip", "-n", sw, "link", "set", "dev", port(host, n), "master", "br" + n);
                root("ip", "-n", ns, "addr", "add", ip(host, n) + "/" + prefixLength(), "dev", "eth" + n);
            }
            root("ip", "-n", ns, "link", "set", "dev", "lo", "up");
            setLink(host, "up");
        }
        hosts.keySet().forEach(this::awaitLinkReady);
        record("created " + String.join(", ", hosts.keySet()) + " on 10.77." + lab.value + ".0/24");
    }

    private void setLink(String host, String state) {
        for (int n = 0; n < networks; n++) {
            setLink(host, n, state);
        }
    }

    private void setLink(String host, int network, String state) {
        checkNetwork(network);
        root("ip", "-n", switchNamespace(), "link", "set", "dev", port(host, network), state);
        root("ip", "-n", namespace(host), "link", "set", "dev", "eth" + network, state);
    }

    /**
     * Carrier changes reach the bridge through the kernel's linkwatch, which may defer them for up to a
     * second: until then the port drops frames, and a test's first ping or ARP probe would fail.
     */
    private void awaitLinkReady(String host) {
        for (int n = 0; n < networks; n++) {
            awaitLinkReady(host, n);
        }
    }

    private void awaitLinkReady(String host, int network) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            String port = root("ip", "-n", switchNamespace(), "-d", "link", "show", "dev", port(host, network));
            String eth = root("ip", "-n", namespace(host), "link", "show", "dev", "eth" + network);
            if (port.contains("state UP") && port.contains("bridge_slave state forwarding") && eth.contains("state UP")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("link of " + host + " not forwarding after 5 s: " + port + eth);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private String port(String host) {
        return port(host, 0);
    }

    private String port(String host, int network) {
        index(host);
        return network == 0 ? host : host + "n" + network;
    }

    private void checkNetwork(int network) {
        if (network < 0 || network >= networks) {
            throw new IllegalArgumentException("network must be in 0.." + (networks - 1) + ", was " + network);
        }
    }

    private int index(String host) {
        Integer i = hosts.get(host);
        if (i == null) {
            throw new IllegalArgumentException("no host " + host + " in this lab; hosts are " + hosts.keySet());
        }
        return i;
    }

    private String switchNamespace() {
        return namespacePrefix(prefix, lab.value) + SWITCH;
    }

    private static String partitionKey(String a, String b) {
        return a.compareTo(b) < 0 ? "partition " + a + " " + b : "partition " + b + " " + a;
    }

    private void record(String action) {
        history.add(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + action);
    }

    private static String namespacePrefix(String prefix, int lab) {
        return prefix + "-" + lab + "-";
    }

    private static void validate(String prefix, int networks, List<String> hostNames) {
        if (networks < 1 || networks > MAX_NETWORKS) {
            throw new IllegalArgumentException("a lab has 1 to " + MAX_NETWORKS + " networks, got " + networks);
        }
        for (String h : hostNames) {
            if (networks > 1 && h.length() > 13) {
                throw new IllegalArgumentException("with several networks host names have at most 13 characters"
                        + " (switch port <host>n<k>): " + h);
            }
        }
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("lab prefix must match " + PREFIX + ", was " + prefix);
        }
        if (hostNames.isEmpty() || hostNames.size() > 99) {
            throw new IllegalArgumentException("a lab has 1 to 99 hosts, got " + hostNames.size());
        }
        for (String h : hostNames) {
            if (!HOST.matcher(h).matches() || h.equals(SWITCH)) {
                throw new IllegalArgumentException("host name must match " + HOST + " and not be '" + SWITCH + "': " + h);
            }
        }
        if (hostNames.stream().distinct().count() != hostNames.size()) {
            throw new IllegalArgumentException("host names must be distinct: " + hostNames);
        }
    }

    private static String root(String... command) {
        return Cmd.run(command).orThrow().output();
    }

    /** For tests writing logs next to the lab: {@code target/netlab/<name>}. */
    public static Path logDir(String name) {
        Path dir = Path.of(System.getProperty("vigil.home", "."), "target", "netlab", name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
