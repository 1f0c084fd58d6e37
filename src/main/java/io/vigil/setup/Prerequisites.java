package io.vigil.setup;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks setup runs before it changes anything (SPEC §6), each with what is wrong and how to
 * fix it: name resolution both ways, IPv4, one subnet for both nodes and the virtual IP, the
 * virtual IP unused, the ports free, PostgreSQL present. The address a name resolves to first is
 * the one Vigil uses. Checks that need the other node (same version, clock skew) run at pairing.
 */
public final class Prerequisites {
    static final List<String> PG_TOOLS = List.of("initdb", "pg_ctl", "postgres", "pg_basebackup", "pg_rewind");

    private final SetupNetwork net;
    private final Path pgBin;
    private final Path passwd;

    public Prerequisites(SetupNetwork net, Path pgBin, Path passwd) {
        this.net = net;
        this.pgBin = pgBin;
        this.passwd = passwd;
    }

    /** Every check of {@code plan}, in order; setup goes on only when all pass. */
    public List<Check> run(SetupPlan plan) {
        List<Check> out = new ArrayList<>();
        Optional<InetAddress> local = address(plan.localHost(), out);
        Optional<InetAddress> peer = address(plan.peerHost(), out);
        Optional<Vip> vip = Optional.empty();
        if (plan.vip() != null) {
            vip = parseVip(plan.vip(), out);
        }
        if (local.isPresent() && peer.isPresent()) {
            out.add(sameSubnet(local.get(), peer.get(), vip.orElse(null)));
        }
        vip.ifPresent(v -> out.add(vipFree(v, local.orElse(null), peer.orElse(null))));
        for (SetupPlan.Port p : plan.ports()) {
            out.add(port(p));
        }
        if (plan.internalDatabase()) {
            out.add(database());
        }
        return out;
    }

    record Vip(Inet4Address address, int prefix) { }

    /** Forward then reverse resolution; the address used, when both agree. */
    private Optional<InetAddress> address(String host, List<Check> out) {
        String name = "name resolution of " + host;
        List<InetAddress> all;
        try {
            all = net.resolve(host);
        } catch (UnknownHostException e) {
            out.add(Check.fail(name, host + " does not resolve on this machine: add it to DNS or to /etc/hosts"));
            return Optional.empty();
        }
        InetAddress used = all.stream().filter(a -> a instanceof Inet4Address).findFirst().orElse(null);
        if (used == null) {
            out.add(Check.fail(name, host + " resolves only to IPv6 (" + all.get(0).getHostAddress() + "); Vigil uses"
                    + " IPv4: give " + host + " an IPv4 address in DNS or /etc/hosts"));
            return Optional.empty();
        }
        boolean literal = host.equals(used.getHostAddress());
        if (used.isLoopbackAddress()) {
            out.add(Check.fail(name, literal ? host + " is a loopback address: the other node cannot reach it; give"
                    + " the node's network address" : host + " resolves to the loopback address " + used.getHostAddress()
                    + (used.getHostAddress().equals("127.0.1.1") ? " (Debian's /etc/hosts gives a machine's own name"
                    + " 127.0.1.1)" : "") + ": the other node cannot reach that; map " + host + " to its network"
                    + " address in /etc/hosts or DNS"));
            return Optional.empty();
        }
        String back = net.reverse(used);
        if (back == null) {
            out.add(Check.fail(name, used.getHostAddress() + (literal ? "" : " (" + host + ")") + " has no reverse name:"
                    + " add '" + used.getHostAddress() + " " + (literal ? "<its host name>" : host) + "' to /etc/hosts or"
                    + " a PTR record to DNS"));
            return Optional.empty();
        }
        if (!literal && !shortName(back).equals(shortName(host))) {
            out.add(Check.fail(name, host + " resolves to " + used.getHostAddress() + ", but " + used.getHostAddress()
                    + " resolves back to " + back + ": make DNS or /etc/hosts agree both ways"));
            return Optional.empty();
        }
        out.add(Check.pass(name, host + " -> " + used.getHostAddress() + " -> " + back
                + (all.size() > 1 ? " (the first IPv4 of " + all.size() + " addresses is used)" : "")));
        return Optional.of(used);
    }

    private static Optional<Vip> parseVip(String cidr, List<Check> out) {
        String name = "virtual IP " + cidr;
        String[] parts = cidr.split("/", -1);
        try {
            if (parts.length != 2 || !parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException();
            }
            int prefix = Integer.parseInt(parts[1]);
            InetAddress a = InetAddress.getByName(parts[0]); // a literal: no lookup
            if (!(a instanceof Inet4Address v4) || prefix < 8 || prefix > 30) {
                throw new IllegalArgumentException();
            }
            return Optional.of(new Vip(v4, prefix));
        } catch (IllegalArgumentException | UnknownHostException e) {
            out.add(Check.fail(name, "not an IPv4 address with a prefix such as 10.0.0.10/24 (prefix 8 to 30)"));
            return Optional.empty();
        }
    }

    private Check sameSubnet(InetAddress local, InetAddress peer, Vip vip) {
        String name = "one subnet for the nodes" + (vip == null ? "" : " and the virtual IP");
        SetupNetwork.LocalAddress mine;
        try {
            mine = net.localAddresses().stream().filter(l -> l.address().equals(local)).findFirst().orElse(null);
        } catch (IOException e) {
            return Check.fail(name, "cannot list this machine's addresses: " + e.getMessage());
        }
        if (mine == null) {
            return Check.fail(name, local.getHostAddress() + " is not an address of this machine: check the host"
                    + " name given for this node, or its entry in /etc/hosts");
        }
        String subnet = local.getHostAddress() + "/" + mine.prefixLength() + " on " + mine.interfaceName();
        if (!within(peer, local, mine.prefixLength())) {
            return Check.fail(name, "the other node (" + peer.getHostAddress() + ") is not in this node's subnet "
                    + subnet + ": both nodes need an address in one subnet for the virtual IP to move between them");
        }
        if (vip != null && !within(vip.address(), local, mine.prefixLength())) {
            return Check.fail(name, "the virtual IP " + vip.address().getHostAddress() + " is not in the nodes' subnet "
                    + subnet + ": choose a free address in it");
        }
        if (vip != null && vip.prefix() != mine.prefixLength()) {
            return Check.fail(name, "the virtual IP's prefix /" + vip.prefix() + " differs from the subnet's /"
                    + mine.prefixLength() + " (" + subnet + "): use /" + mine.prefixLength());
        }
        return Check.pass(name, "both nodes" + (vip == null ? "" : " and the virtual IP") + " are in " + subnet);
    }

    private Check vipFree(Vip vip, InetAddress local, InetAddress peer) {
        String a = vip.address().getHostAddress();
        String name = "virtual IP " + a + " unused";
        if (vip.address().equals(local) || vip.address().equals(peer)) {
            return Check.fail(name, a + " is a node's own address: the virtual IP must be a third, unused address");
        }
        try {
            if (net.answers(vip.address())) {
                return Check.fail(name, "something already answers at " + a + ": the virtual IP must be an unused"
                        + " address (another machine or an old cluster may hold it)");
            }
        } catch (IOException e) {
            return Check.fail(name, "cannot probe " + a + ": " + e.getMessage());
        }
        return Check.pass(name, "nothing answers at " + a);
    }

    private Check port(SetupPlan.Port p) {
        String name = "port " + p.port() + "/" + p.protocol() + " (" + p.use() + ")";
        if (net.portFree(p.protocol(), p.port())) {
            return Check.pass(name, "free");
        }
        return Check.fail(name, "in use by another program: find it with `ss -l" + (p.protocol().equals("udp") ? "u" : "t")
                + "np 'sport = :" + p.port() + "'`, stop it, or configure another port for " + p.use());
    }

    private Check database() {
        String name = "PostgreSQL 15";
        for (String tool : PG_TOOLS) {
            if (!Files.isExecutable(pgBin.resolve(tool))) {
                return Check.fail(name, pgBin.resolve(tool) + " is missing: install PostgreSQL 15 (scripts/setup.sh, or"
                        + " apt-get install postgresql-15), or choose an external database");
            }
        }
        try {
            boolean user = Files.readAllLines(passwd).stream().anyMatch(l -> l.startsWith("postgres:"));
            if (!user) {
                return Check.fail(name, "there is no 'postgres' user in " + passwd + " (the database runs as it):"
                        + " reinstall postgresql-15, which creates it");
            }
        } catch (IOException e) {
            return Check.fail(name, "cannot read " + passwd + ": " + e.getMessage());
        }
        return Check.pass(name, "installed in " + pgBin + ", user postgres present");
    }

    private static boolean within(InetAddress a, InetAddress network, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (toInt(a) & mask) == (toInt(network) & mask);
    }

    private static int toInt(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static String shortName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }
}
