package io.vigil.it.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The harness itself, on a real network of namespaces: each fault does what it says and undoes cleanly. */
@Tag("netns")
class NetLabTest {
    private final List<NetLab> labs = new ArrayList<>();

    private NetLab lab(String prefix, String... hosts) {
        NetLab lab = NetLab.create(prefix, hosts);
        labs.add(lab);
        return lab;
    }

    @AfterEach
    void closeLabs() {
        labs.forEach(NetLab::close);
    }

    @Test
    void twoHostsPingEachOther() {
        NetLab lab = lab("nlt", "node1", "node2");

        assertReachable(lab, "node1", lab.ip("node2"));
        assertReachable(lab, "node2", lab.ip("node1"));
        assertThat(lab.ip("node1")).isNotEqualTo(lab.ip("node2")).startsWith("10.77.");
    }

    @Test
    void aPartitionBlocksBothDirectionsOfThatPairOnlyAndHealRestoresThem() {
        NetLab lab = lab("nlt", "node1", "node2", "client");

        lab.partition("node1", "node2");
        lab.partition("node1", "node2");

        assertUnreachable(lab, "node1", lab.ip("node2"));
        assertUnreachable(lab, "node2", lab.ip("node1"));
        assertReachable(lab, "client", lab.ip("node1"));
        assertReachable(lab, "client", lab.ip("node2"));

        lab.heal("node2", "node1");

        assertThat(lab.faultRules()).doesNotContain("drop");
        // A resolution that failed during the partition is not retried at once: real time, as on a real LAN.
        awaitReachable(lab, "node1", lab.ip("node2"));
        awaitReachable(lab, "node2", lab.ip("node1"));
    }

    @Test
    void aOneWayFaultLosesPacketsInThatDirectionOnly(TestInfo info) throws IOException {
        NetLab lab = lab("nlt", "node1", "node2");
        Path dir = NetLab.logDir(info.getTestMethod().orElseThrow().getName());
        Path log1 = listen(lab, "node1", dir);
        Path log2 = listen(lab, "node2", dir);

        lab.oneWay("node1", "node2");

        sendUdp(lab, "node2", lab.ip("node1"), "to-node1");
        await("node1 hears node2").atMost(Duration.ofSeconds(5)).until(() -> read(log1).contains("to-node1"));
        sendUdp(lab, "node1", lab.ip("node2"), "to-node2");
        await("node2 does not hear node1").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> !read(log2).contains("to-node2"));

        lab.heal("node1", "node2");

        sendUdp(lab, "node1", lab.ip("node2"), "healed");
        await("node2 hears node1 again").atMost(Duration.ofSeconds(5)).until(() -> read(log2).contains("healed"));
    }

    @Test
    void partialLossDropsSomeTotalLossAllAndNoLossNone() {
        NetLab lab = lab("nlt", "node1", "node2");
        // With both neighbour caches filled, what the pings measure is the loss, not ARP's retry timer.
        awaitReachable(lab, "node2", lab.ip("node1"));

        // Each echo crosses node1's port twice: about 25% should come back.
        lab.loss("node1", 0.5);
        int received = pingMany(lab, "node2", lab.ip("node1"), 40);
        assertThat(received).as("echo replies of 40 at 50% loss each way").isBetween(1, 30);

        lab.loss("node1", 1.0);
        assertUnreachable(lab, "node2", lab.ip("node1"));

        lab.noLoss("node1");
        assertThat(lab.faultRules()).doesNotContain("drop");
        awaitReachable(lab, "node2", lab.ip("node1"));
    }

    @Test
    void linkDownCutsTheHostOffAndLinkUpReconnectsIt() {
        NetLab lab = lab("nlt", "node1", "node2");

        lab.linkDown("node1");

        assertThat(lab.check("node1", "ip", "link", "show", "dev", lab.iface("node1"))).contains("state DOWN");
        assertUnreachable(lab, "node2", lab.ip("node1"));

        lab.linkUp("node1");

        awaitReachable(lab, "node2", lab.ip("node1"));
    }

    @Test
    void pauseStopsTheWholeProcessGroupAndResumeLetsItContinue(TestInfo info) throws Exception {
        NetLab lab = lab("nlt", "node1");
        Path log = NetLab.logDir(info.getTestMethod().orElseThrow().getName()).resolve("ticks.log");
        Files.deleteIfExists(log);
        Process ticker = lab.exec("node1", List.of("bash", "-c", "while true; do echo tick; sleep 0.05; done"), log);
        await("ticks").atMost(Duration.ofSeconds(5)).until(() -> ticks(log) > 2);

        lab.pause(ticker);

        await("stopped").atMost(Duration.ofSeconds(5)).until(() -> ProcessGroups.state(ticker.pid()) == 'T');
        long frozen = ticks(log);
        await("no tick while paused").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> ticks(log) == frozen);

        lab.resume(ticker);

        await("ticking again").atMost(Duration.ofSeconds(5)).until(() -> ticks(log) > frozen + 2);
        assertThat(lab.killGroup(ticker, "KILL")).isTrue();
        assertThat(ticker.waitFor()).isEqualTo(137);
        await("whole group gone").atMost(Duration.ofSeconds(5))
                .until(() -> !lab.killGroup(ticker, "0"));
    }

    @Test
    void anAddressMovedToAnotherHostAnswersArpWithThatHostsMacOnceItIsAnnounced() {
        NetLab lab = lab("nlt", "node1", "node2", "client");
        ArpProbe arp = new ArpProbe(lab);
        String vip = lab.address(100);
        String vipCidr = vip + "/" + lab.prefixLength();

        lab.check("node1", "ip", "addr", "add", vipCidr, "dev", lab.iface("node1"));
        assertThat(arp.whoHas("client", vip)).containsExactly(arp.macOf("node1"));
        assertReachable(lab, "client", vip);
        assertThat(arp.neighbour("client", vip)).contains(arp.macOf("node1"));

        lab.check("node1", "ip", "addr", "del", vipCidr, "dev", lab.iface("node1"));
        lab.check("node2", "ip", "addr", "add", vipCidr, "dev", lab.iface("node2"));
        arp.announce("node2", vip, 3);

        await("client's cache follows the announcement").atMost(Duration.ofSeconds(5))
                .until(() -> arp.neighbour("client", vip).equals(java.util.Optional.of(arp.macOf("node2"))));
        assertThat(arp.hostsAnswering("client", vip)).containsExactly("node2");
        assertReachable(lab, "client", vip);

        lab.check("node1", "ip", "addr", "add", vipCidr, "dev", lab.iface("node1"));
        assertThat(arp.hostsAnswering("client", vip)).as("a doubly held address shows up as two answers")
                .containsExactlyInAnyOrder("node1", "node2");
    }

    @Test
    void twoLabsCoexistOnDifferentSubnets() {
        NetLab a = lab("nlt", "node1", "node2");
        NetLab b = lab("nltb", "node1", "node2");

        assertThat(a.ip("node1")).isNotEqualTo(b.ip("node1"));
        assertReachable(a, "node1", a.ip("node2"));
        assertReachable(b, "node1", b.ip("node2"));
        assertUnreachable(a, "node1", b.ip("node2"));
    }

    @Test
    void closeLeavesNoNamespaceInterfaceRuleOrProcessBehind(TestInfo info) {
        NetLab lab = NetLab.create("nltc", "closea", "closeb");
        List<String> namespaces = lab.namespaces();
        Process sleeper = lab.exec("closea", List.of("sleep", "600"),
                NetLab.logDir(info.getTestMethod().orElseThrow().getName()).resolve("sleep.log"));
        lab.partition("closea", "closeb");
        lab.loss("closeb", 0.3);
        lab.pause(sleeper);

        lab.close();
        lab.close();

        assertThat(Namespaces.list()).doesNotContainAnyElementsOf(namespaces);
        assertThat(sleeper.isAlive()).isFalse();
        String rootLinks = Cmd.run("ip", "-o", "link").orThrow().output();
        assertThat(rootLinks).doesNotContain("closea").doesNotContain("closeb");
        assertThat(Cmd.run("nft", "list", "tables").orThrow().output()).doesNotContain("netlab");
    }

    @Test
    void createRemovesWhatACrashedRunWithTheSamePrefixLeftBehind(TestInfo info) {
        int crashed = LabNumber.MAX;
        assertThat(LabNumber.isFree(crashed)).isTrue();
        String leftover = "nltl-" + crashed + "-node1";
        Cmd.run("ip", "netns", "add", leftover).orThrow();
        Path log = NetLab.logDir(info.getTestMethod().orElseThrow().getName()).resolve("orphan.log");
        ProcessGroups orphanStarter = new ProcessGroups();
        Process orphan = orphanStarter.start(List.of("setsid", "ip", "netns", "exec", leftover, "sleep", "600"), log);

        lab("nltl", "node1");

        assertThat(Namespaces.list()).doesNotContain(leftover);
        await("orphan killed").atMost(Duration.ofSeconds(5)).until(() -> !orphan.isAlive());
    }

    @Test
    void badNamesAreRefusedBeforeAnythingIsCreated() {
        assertThatThrownBy(() -> NetLab.create("way-too-long-prefix", "node1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
        assertThatThrownBy(() -> NetLab.create("nlt", "node1", "node1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
        assertThatThrownBy(() -> NetLab.create("nlt", "a-host-name-over-15"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host name");
    }

    private static void assertReachable(NetLab lab, String from, String ip) {
        Cmd.Result r = lab.result(from, "ping", "-c", "1", "-W", "1", ip);
        assertThat(r.ok()).as("%s reaches %s: %s%nlab: %s", from, ip, r.output(), lab.history()).isTrue();
    }

    private static void assertUnreachable(NetLab lab, String from, String ip) {
        Cmd.Result r = lab.result(from, "ping", "-c", "1", "-W", "1", ip);
        assertThat(r.ok()).as("%s does not reach %s: %s%nlab: %s", from, ip, r.output(), lab.history()).isFalse();
    }

    private static void awaitReachable(NetLab lab, String from, String ip) {
        await(from + " reaches " + ip).atMost(Duration.ofSeconds(10))
                .until(() -> lab.run(from, "ping", "-c", "1", "-W", "1", ip) == 0);
    }

    private static int pingMany(NetLab lab, String from, String ip, int count) {
        String out = lab.result(from, "ping", "-q", "-c", Integer.toString(count), "-i", "0.05", "-W", "1", ip).output();
        Matcher m = Pattern.compile("(\\d+) received").matcher(out);
        assertThat(m.find()).as("ping summary in: %s", out).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static Path listen(NetLab lab, String host, Path dir) throws IOException {
        Path log = dir.resolve(host + "-udp.log");
        Files.deleteIfExists(log);
        lab.exec(host, UdpListener.command(lab.ip(host), 9999), log);
        await(host + " listening").atMost(Duration.ofSeconds(20)).until(() -> read(log).contains("ready"));
        return log;
    }

    private static void sendUdp(NetLab lab, String from, String ip, String text) {
        lab.check(from, "bash", "-c", "echo " + text + " > /dev/udp/" + ip + "/9999");
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static long ticks(Path log) throws IOException {
        return read(log).lines().filter("tick"::equals).count();
    }
}
