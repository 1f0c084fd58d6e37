package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.admin.FakeNode;
import io.vigil.core.BootMode;
import io.vigil.core.Colour;
import io.vigil.core.Command;
import io.vigil.core.NodeState;
import io.vigil.api.DaemonStatus;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VigilCommandTest extends CliFixture {

    static final ObjectMapper JSON = new ObjectMapper();

    final FakeNode node1 = FakeNode.primary(1);
    final FakeNode node2 = new FakeNode(FakeNode.status(2, NodeState.SECOND, Colour.GREEN, true));

    @Test
    void statusShowsACompactBlockWithinEightyColumns() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil("status", "--config", cfg.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out()).startsWith("node 1  host1  PRIM   cluster demo, vigil 0.1.0, up 1h 2m\n")
                .contains("  reason     peer joined\n")
                .contains("  sync       uptodate (synchronous), epoch 7, data epoch 6\n")
                .contains("  peer       host2: present, SECOND, uptodate\n")
                .contains("  services   RUNNING, 1 automatic failover(s) in the flapping window\n")
                .contains("failover on, error detection on, checkers running, boot keep")
                .contains("  heartbeat  127.0.0.1 -> 127.0.0.1, heard 0.4 s ago\n")
                .contains("  rejected   heartbeats: bad-mac 3\n")
                .contains("  directory  certs: not uptodate, 40% of 1000 bytes, ETA 1.5 s (transferring 1/2\n"
                        + "             changed files)\n")
                .containsPattern("db +Database +RUNNING +4242 +0\n")
                .containsPattern("mgmt +Management server +STARTING +- +2\n")
                .contains("  warning    ! No witness is configured: a network split runs the services on\n"
                        + "             both nodes.\n")
                .doesNotContain("\u001b[");
        assertThat(run.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void logsPrintsTheRequestedLogAndRefusesAnUnknownOne() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil("logs", "application", "--config", cfg.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("fake application line\n");
        Run bad = vigil("logs", "kernel", "--config", cfg.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown log 'kernel'").contains("module");
    }

    @Test
    void aMissingWitnessIsReportedEvenIfTheNodeDidNotSayIt() throws Exception {
        FakeNode quiet = new FakeNode(withoutWarnings(FakeNode.status(1, NodeState.WAIT, Colour.MAGENTA, false)));
        Path cfg = config(serve(quiet), closedPort());
        Run run = vigil("status", "--config", cfg.toString());
        assertThat(run.out()).contains("! No witness is configured: if the nodes lose each other");
        assertThat(run.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void onATerminalTheStateIsColoured() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil(new Terminal(true, true, new BufferedReader(new StringReader(""))),
                "status", "--config", cfg.toString());
        assertThat(run.out()).contains("\u001b[1;32mPRIM\u001b[0m");
    }

    @Test
    void statusJsonIsTheDaemonStatus() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil("status", "--json", "--config", cfg.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(JSON.readValue(run.out(), DaemonStatus.class)).isEqualTo(node1.status());
    }

    @Test
    void clusterStatusAsksBothNodesInNodeOrder() throws Exception {
        Path cfg = config(serve(node1), serve(node2));
        Run human = vigil("status", "--cluster", "--config", cfg.toString());
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).contains("node 1  host1  PRIM").contains("node 2  host2  SECOND");
        assertThat(human.out().indexOf("node 1")).isLessThan(human.out().indexOf("node 2"));

        Run json = vigil("status", "--cluster", "--json", "--config", cfg.toString());
        JsonNode array = JSON.readTree(json.out());
        assertThat(array.isArray()).isTrue();
        assertThat(array).hasSize(2);
        assertThat(array.get(1).at("/node/state").asText()).isEqualTo("SECOND");
    }

    @Test
    void clusterStatusWithOneNodeDownShowsTheOtherAndExitsThree() throws Exception {
        int down = closedPort();
        Path cfg = config(serve(node1), down);
        Run run = vigil("status", "--cluster", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).contains("node 1  host1  PRIM");
        assertThat(run.err()).contains("node 2: cannot reach the vigil admin channel at 127.0.0.1:" + down)
                .contains("is `vigil node` running there?");

        Run json = vigil("status", "--cluster", "--json", "--config", cfg.toString());
        assertThat(JSON.readTree(json.out()).get(1).get("kind").asText()).isEqualTo("UNREACHABLE");
    }

    @Test
    void nodeSelectsThePeerById() throws Exception {
        // Issue 12: the local node relays to its peer, so it must run for --node 2 too.
        Path cfg = config(serve(node1), serve(node2));
        Run run = vigil("status", "--node", "2", "--config", cfg.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("node 2  host2  SECOND");
        assertThat(vigil("status", "--node", "3", "--config", cfg.toString()).exitCode()).isEqualTo(2);
        assertThat(vigil("status", "--node", "2", "--cluster", "--config", cfg.toString()).err())
                .contains("--cluster and --node exclude each other");
    }

    @Test
    void anAcceptedCommandExitsZeroAndCarriesWho() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil("boot", "disabled", "--config", cfg.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("node 1: accepted boot disabled: boot disabled accepted\n");
        assertThat(node1.received).singleElement().satisfies(r -> {
            assertThat(r.command()).isEqualTo(new Command.SetBoot(BootMode.DISABLED));
            // The operator the client claims, and the local user the kernel names (SO_PEERCRED).
            assertThat(r.who()).startsWith(System.getProperty("user.name") + "@")
                    .endsWith(" (cli) from local user " + System.getProperty("user.name"));
        });
    }

    @Test
    void eachSubcommandSendsItsCommand() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        String c = cfg.toString();
        assertThat(vigil("start", "--config", c).exitCode()).isZero();
        assertThat(vigil("stop", "--config", c).exitCode()).isZero();
        assertThat(vigil("restart", "--config", c).exitCode()).isZero();
        assertThat(vigil("swap", "--config", c).exitCode()).isZero();
        assertThat(vigil("swap", "--without-sync", "--config", c).exitCode()).isZero();
        assertThat(vigil("prim", "--force", "--yes", "--config", c).exitCode()).isZero();
        assertThat(vigil("failover", "off", "--config", c).exitCode()).isZero();
        assertThat(vigil("checkers", "suspend", "--config", c).exitCode()).isZero();
        assertThat(vigil("checkers", "stop", "--config", c).exitCode()).isZero();
        assertThat(node1.received).extracting(FakeNode.Received::command).containsExactly(new Command.Start(),
                new Command.Stop(), new Command.Restart(), new Command.Swap(false), new Command.Swap(true),
                new Command.ForceStart(), new Command.SetFailover(false), new Command.SuspendErrorDetection(true),
                new Command.Checkers(false));
    }

    @Test
    void aRefusedCommandExitsOneWithTheNodesReason() throws Exception {
        Path cfg = config(serve(node1.refusing("swap needs the peer: node 2 is absent")), closedPort());
        Run run = vigil("swap", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("node 1: refused swap: swap needs the peer: node 2 is absent\n");
    }

    @Test
    void anUnreachableNodeExitsThree() throws Exception {
        Path cfg = config(closedPort(), closedPort());
        Run run = vigil("stop", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).startsWith("node 1: cannot reach the node's local admin socket " + socket() + " (")
                .contains("is `vigil node` running on this machine with this configuration (admin.socket)?");
    }

    @Test
    void aPeerOfAnotherClusterExitsFour() throws Exception {
        Path cfg = config(serve(node1), serveOtherCluster(node2));
        Run run = vigil("stop", "--node", "2", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(4);
        assertThat(run.err()).startsWith("node 2: node at 127.0.0.1:").contains(" holds a certificate of another CA"
                + " than this cluster's");
        assertThat(node2.received).isEmpty();
    }

    @Test
    void aClusterCommandReportsBothAndFailsIfEitherRefused() throws Exception {
        Path cfg = config(serve(node1), serve(node2.refusing("node 2 is already stopped")));
        Run run = vigil("stop", "--cluster", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo("node 1: accepted stop: stop accepted\n");
        assertThat(run.err()).isEqualTo("node 2: refused stop: node 2 is already stopped\n");
        assertThat(node1.received).hasSize(1);
        assertThat(node2.received).hasSize(1);

        Run json = vigil("failover", "on", "--cluster", "--json", "--config", cfg.toString());
        JsonNode array = JSON.readTree(json.out());
        assertThat(array).hasSize(2);
        assertThat(array.get(0).get("accepted").asBoolean()).isTrue();
        assertThat(array.get(1).get("message").asText()).isEqualTo("node 2 is already stopped");
    }

    @Test
    void primWithoutYesAndWithoutATerminalExitsTwoAndSendsNothing() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil("prim", "--force", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("needs confirmation").contains("--yes");
        assertThat(vigil("prim", "--config", cfg.toString()).err()).contains("prim needs --force");
        assertThat(vigil("prim", "--force", "--yes", "--cluster", "--config", cfg.toString()).exitCode()).isEqualTo(2);
        assertThat(node1.received).isEmpty();
    }

    @Test
    void primAsksForYesOnATerminal() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run declined = vigil(terminalTyping("yes\n"), "prim", "--force", "--config", cfg.toString());
        assertThat(declined.exitCode()).isEqualTo(1);
        assertThat(declined.out()).contains("will be LOST").contains("Type YES");
        assertThat(declined.err()).contains("Cancelled");
        assertThat(node1.received).isEmpty();

        Run confirmed = vigil(terminalTyping("YES\n"), "prim", "--force", "--config", cfg.toString());
        assertThat(confirmed.exitCode()).isZero();
        assertThat(node1.received).extracting(FakeNode.Received::command).containsExactly(new Command.ForceStart());
    }

    @Test
    void swapWithClusterIsAUsageError() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil("swap", "--cluster", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("swap already involves both nodes");
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        Path cfg = config(serve(node1), closedPort());
        Run run = vigil("boot", "sometimes", "--config", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("\"boot\" does not accept \"sometimes\"; expected one of [keep, enabled, disabled]");
        assertThat(vigil("failover", "--config", cfg.toString()).exitCode()).isEqualTo(2);
        assertThat(vigil("frobnicate").exitCode()).isEqualTo(2);
        assertThat(node1.received).isEmpty();
    }

    @Test
    void aMissingConfigNamesThePathAndTheOption() {
        Path missing = dir.resolve("nope.yaml");
        Run run = vigil("status", "--config", missing.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(missing.toString()).contains("--config FILE").contains("VIGIL_CONFIG");
    }

    @Test
    void configCheckAcceptsAValidFileAndNamesTheBadKeyOfAnInvalidOne() throws Exception {
        Path good = config(6259, 6260);
        Run ok = vigil("config", "check", good.toString());
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).startsWith("OK: " + good.toAbsolutePath() + ": cluster 'demo', node 1 (node1)")
                .contains("warning: No witness");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(good).replace("id: 1", "id: 3"));
        Run ko = vigil("config", "check", bad.toString());
        assertThat(ko.exitCode()).isEqualTo(2);
        assertThat(ko.err()).contains(bad.toString()).contains("node.id").doesNotContain(KEY);
    }

    @Test
    void configCheckOfAPingWitnessNamesItAndWarnsAboutWhatItCannotPrevent() throws Exception {
        Path cfg = config(6259, 6260);
        Files.writeString(cfg, Files.readString(cfg) + "witness:\n  ping: 10.9.8.254\n");
        Run ok = vigil("config", "check", cfg.toString());
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).contains("ping witness 10.9.8.254").contains("warning: The witness is a ping target")
                .contains("both will run the services").doesNotContain("No witness");

        Files.writeString(cfg, Files.readString(cfg) + "  address: 10.9.8.3\n");
        Run ko = vigil("config", "check", cfg.toString());
        assertThat(ko.exitCode()).isEqualTo(2);
        assertThat(ko.err()).contains("witness.ping").contains("cannot be combined with address/port");
    }

    @Test
    void configShowRedactsTheKey() throws Exception {
        Path cfg = config(6259, 6260);
        Run run = vigil("config", "show", "--config", cfg.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("demo").doesNotContain(KEY);
    }

    @Test
    void helpListsTheExitCodesAndCompletionIsABashScript() {
        Run help = vigil("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("3  a node is unreachable")
                .contains("4  authentication failed");
        for (String sub : new String[] {"node", "status", "start", "stop", "restart", "swap", "prim", "boot",
            "failover", "checkers", "config", "completion"}) {
            assertThat(vigil(sub, "--help").exitCode()).as(sub).isZero();
        }
        Run completion = vigil("completion");
        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).startsWith("#!/usr/bin/env bash").contains("checkers").contains("--cluster");
    }

    @Test
    void nodeRefusesAMissingConfigurationFileWithExitTwo() throws Exception {
        Run run = vigil("node", "--config", "/nonexistent/vigil.yaml");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("/nonexistent/vigil.yaml").contains("--config");
    }

    private static DaemonStatus withoutWarnings(DaemonStatus s) {
        var n = s.node();
        var node = new io.vigil.core.NodeStatus(n.nodeId(), n.state(), n.colour(), n.reason(), n.epoch(),
                n.dataEpoch(), n.sync(), n.services(), n.synchronousReplication(), n.peerPresent(), n.peerState(),
                n.peerSync(), n.failoverEnabled(), n.errorDetectionSuspended(), n.checkersRunning(), n.bootMode(),
                n.witnessConfigured(), n.forced(), n.recentFailovers(), java.util.List.of(), n.leaseRemainingMs());
        return new DaemonStatus(node, s.hostName(), s.peerHostName(), s.clusterName(), s.version(), s.uptimeMs(),
                s.resources(), s.networks(), s.rejectedHeartbeats(), s.database(), s.directories(), s.databaseResync());
    }

    private static Terminal terminalTyping(String input) {
        return new Terminal(true, false, new BufferedReader(new StringReader(input)));
    }
}
