package io.vigil.setup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Each prerequisite check of setup (SPEC §6), provoked, with its message read. */
class PrerequisitesTest {

    @TempDir
    Path tmp;

    /** A machine whose resolver, interfaces, neighbours and ports the test decides. */
    static final class FakeNetwork implements SetupNetwork {
        final Map<String, List<InetAddress>> forward = new HashMap<>();
        final Map<String, String> reverse = new HashMap<>();
        final List<LocalAddress> local = new ArrayList<>();
        final Set<String> answering = new HashSet<>();
        final Set<String> busy = new HashSet<>();

        FakeNetwork host(String name, String address) throws UnknownHostException {
            forward.put(name, List.of(InetAddress.getByName(address)));
            reverse.put(address, name);
            return this;
        }

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            if (host.matches("[0-9.]+")) {
                return List.of(InetAddress.getByName(host));
            }
            List<InetAddress> a = forward.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return a;
        }

        @Override
        public String reverse(InetAddress address) {
            return reverse.get(address.getHostAddress());
        }

        @Override
        public List<LocalAddress> localAddresses() {
            return local;
        }

        @Override
        public boolean answers(InetAddress address) {
            return answering.contains(address.getHostAddress());
        }

        @Override
        public boolean portFree(String protocol, int port) {
            return !busy.contains(port + "/" + protocol);
        }
    }

    private FakeNetwork site() throws Exception {
        FakeNetwork n = new FakeNetwork().host("vms1", "10.0.0.1").host("vms2", "10.0.0.2");
        n.local.add(new SetupNetwork.LocalAddress("eth0", InetAddress.getByName("10.0.0.1"), 24));
        return n;
    }

    private Path pgBin(boolean complete) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : Prerequisites.PG_TOOLS) {
            if (complete || !tool.equals("pg_rewind")) {
                Files.writeString(bin.resolve(tool), "#!/bin/sh\n");
                Files.setPosixFilePermissions(bin.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return bin;
    }

    private Path passwd(boolean withPostgres) throws IOException {
        return Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/bash\n"
                + (withPostgres ? "postgres:x:105:113::/var/lib/postgresql:/bin/bash\n" : ""));
    }

    private List<Check> run(FakeNetwork net, String peer, String vip) throws IOException {
        return new Prerequisites(net, pgBin(true), passwd(true)).run(new SetupPlan("vms1", peer, vip, true,
                List.of(new SetupPlan.Port("tcp", 9010, "console (HTTP)"), new SetupPlan.Port("udp", 8888, "heartbeats"))));
    }

    private static List<String> failures(List<Check> checks) {
        return checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.message()).toList();
    }

    @Test
    void aWellPreparedSitePassesEveryCheckAndSaysWhatItFound() throws Exception {
        List<Check> checks = run(site(), "vms2", "10.0.0.10/24");
        assertThat(failures(checks)).isEmpty();
        assertThat(checks).extracting(Check::message).contains("vms2 -> 10.0.0.2 -> vms2",
                "both nodes and the virtual IP are in 10.0.0.1/24 on eth0", "nothing answers at 10.0.0.10",
                "installed in " + tmp.resolve("bin") + ", user postgres present");
    }

    @Test
    void anUnknownPeerNameIsReported() throws Exception {
        assertThat(failures(run(site(), "vms3", null))).containsExactly(
                "name resolution of vms3: vms3 does not resolve on this machine: add it to DNS or to /etc/hosts");
    }

    @Test
    void aReverseNameThatDisagreesIsReported() throws Exception {
        FakeNetwork n = site();
        n.reverse.put("10.0.0.2", "printer.example.com");
        assertThat(failures(run(n, "vms2", null))).containsExactly("name resolution of vms2: vms2 resolves to"
                + " 10.0.0.2, but 10.0.0.2 resolves back to printer.example.com: make DNS or /etc/hosts agree both ways");
    }

    @Test
    void anAddressWithoutReverseNameIsReported() throws Exception {
        FakeNetwork n = site();
        assertThat(failures(run(n, "10.0.0.7", null))).first().asString().isEqualTo("name resolution of 10.0.0.7:"
                + " 10.0.0.7 has no reverse name: add '10.0.0.7 <its host name>' to /etc/hosts or a PTR record to DNS");
    }

    @Test
    void aNameOnLoopbackIsReportedWithDebiansTrap() throws Exception {
        FakeNetwork n = site();
        n.forward.put("vms1", List.of(InetAddress.getByName("127.0.1.1")));
        assertThat(failures(run(n, "vms2", null))).singleElement().asString().startsWith("name resolution of vms1: vms1"
                + " resolves to the loopback address 127.0.1.1 (Debian's /etc/hosts");
    }

    @Test
    void anIpv6OnlyNameIsReported() throws Exception {
        FakeNetwork n = site();
        n.forward.put("vms2", List.of(InetAddress.getByName("fd00::2")));
        assertThat(failures(run(n, "vms2", null))).singleElement().asString()
                .contains("vms2 resolves only to IPv6 (fd00:0:0:0:0:0:0:2); Vigil uses IPv4");
    }

    @Test
    void thePeerInAnotherSubnetIsReported() throws Exception {
        FakeNetwork n = site().host("vms2", "10.0.1.2");
        assertThat(failures(run(n, "vms2", null))).containsExactly("one subnet for the nodes: the other node (10.0.1.2)"
                + " is not in this node's subnet 10.0.0.1/24 on eth0: both nodes need an address in one subnet for the"
                + " virtual IP to move between them");
    }

    @Test
    void aVirtualIpOutsideTheSubnetWithAnotherPrefixOrNotIpv4IsReported() throws Exception {
        assertThat(failures(run(site(), "vms2", "10.0.5.10/24"))).first().asString().contains(
                "the virtual IP 10.0.5.10 is not in the nodes' subnet 10.0.0.1/24 on eth0");
        assertThat(failures(run(site(), "vms2", "10.0.0.10/16"))).first().asString().contains(
                "the virtual IP's prefix /16 differs from the subnet's /24");
        assertThat(failures(run(site(), "vms2", "fd00::10/64"))).first().asString().isEqualTo(
                "virtual IP fd00::10/64: not an IPv4 address with a prefix such as 10.0.0.10/24 (prefix 8 to 30)");
    }

    @Test
    void aVirtualIpThatAlreadyAnswersOrIsANodesAddressIsReported() throws Exception {
        FakeNetwork n = site();
        n.answering.add("10.0.0.10");
        assertThat(failures(run(n, "vms2", "10.0.0.10/24"))).containsExactly("virtual IP 10.0.0.10 unused: something"
                + " already answers at 10.0.0.10: the virtual IP must be an unused address (another machine or an old"
                + " cluster may hold it)");
        assertThat(failures(run(site(), "vms2", "10.0.0.2/24"))).containsExactly("virtual IP 10.0.0.2 unused: 10.0.0.2"
                + " is a node's own address: the virtual IP must be a third, unused address");
    }

    @Test
    void aHostNameThatIsNotThisMachinesAddressIsReported() throws Exception {
        FakeNetwork n = site();
        n.local.clear();
        assertThat(failures(run(n, "vms2", null))).singleElement().asString().contains("10.0.0.1 is not an address of"
                + " this machine");
    }

    @Test
    void aBusyPortIsReportedWithHowToFindItsOwner() throws Exception {
        FakeNetwork n = site();
        n.busy.add("8888/udp");
        assertThat(failures(run(n, "vms2", null))).containsExactly("port 8888/udp (heartbeats): in use by another"
                + " program: find it with `ss -lunp 'sport = :8888'`, stop it, or configure another port for heartbeats");
    }

    @Test
    void aMissingDatabaseToolOrUserIsReported() throws Exception {
        SetupPlan plan = new SetupPlan("vms1", "vms2", null, true, List.of());
        assertThat(failures(new Prerequisites(site(), pgBin(false), passwd(true)).run(plan))).singleElement().asString()
                .contains("pg_rewind is missing: install PostgreSQL 15");
        assertThat(failures(new Prerequisites(site(), pgBin(true), passwd(false)).run(plan))).singleElement().asString()
                .contains("there is no 'postgres' user in");
        // An external database needs none of it.
        assertThat(failures(new Prerequisites(site(), tmp.resolve("none"), passwd(false)).run(
                new SetupPlan("vms1", "vms2", null, false, List.of())))).isEmpty();
    }

    @Test
    void theRealMachineFindsARealBusyPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            assertThat(new SystemNetwork().portFree("tcp", s.getLocalPort())).isFalse();
        }
        assertThat(new SystemNetwork().resolve("localhost").get(0).isLoopbackAddress()).isTrue();
    }
}
