package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One test per kind of mistake; each message must name the file and the key path. */
class ConfigErrorTest extends ConfigFixture {

    @Test
    void nodeIdThreeIsRefused() {
        assertThat(error(MINIMAL.replace("id: 2", "id: 3"), "node.id")).contains("must be 1 or 2");
    }

    @Test
    void ipv6IsRefusedClearly() {
        assertThat(error(MINIMAL.replace("peer: 127.0.0.1", "peer: \"fe80::1\""), "heartbeat.networks[0].peer"))
                .contains("IPv6");
    }

    @Test
    void aHostNameIsNotAHeartbeatAddress() {
        assertThat(error(MINIMAL.replace("local: 127.0.0.1", "local: node1"), "heartbeat.networks[0].local"))
                .contains("IPv4");
    }

    /** Issue 12: the README's own example bound the admin channel where the peer could never reach it. */
    @Test
    void aLoopbackAdminBindWhileThePeerIsElsewhereIsRefused() {
        String yaml = MINIMAL.replace("local: 127.0.0.1", "local: 10.0.0.2").replace("peer: 127.0.0.1", "peer: 10.0.0.1")
                + "admin:\n  bindAddress: 127.0.0.1\n";
        assertThat(error(yaml, "admin.bindAddress")).endsWith("admin.bindAddress: is the loopback address 127.0.0.1"
                + " while the peer is at 10.0.0.1 (peer.adminAddress): the peer could never reach this node's admin"
                + " channel, so its console and --cluster commands would fail. Write bindAddress: 10.0.0.2 (the"
                + " address the peer dials; the default), or 0.0.0.0; the local CLI uses the Unix socket admin.socket,"
                + " not this address");
    }

    @Test
    void anAdminSocketPathTooLongForAUnixSocketIsRefused() {
        String deep = "/var/lib/" + "vigil-data-folder/".repeat(6) + "node2";
        String message = error(MINIMAL.replace("dataDir: /var/lib/vigil/node2", "dataDir: " + deep), "admin.socket");
        assertThat(message).contains("admin.socket: the local CLI's socket " + deep + "/admin.sock is "
                + (deep.length() + 11) + " bytes long, more than the 107 a Unix socket's path may have (it defaults to"
                + " <node.dataDir>/admin.sock). Set admin.socket to a shorter path, e.g. /run/vigil/admin.sock");
    }

    @Test
    void timeoutBelowTwoIntervalsIsRefused() {
        String yaml = MINIMAL.replace("heartbeat:\n", "heartbeat:\n  intervalMs: 1000\n  timeoutMs: 1500\n");
        assertThat(error(yaml, "heartbeat.timeoutMs")).contains("two heartbeat intervals");
    }

    @Test
    void anUnknownKeyIsNamedWithASuggestion() {
        String yaml = MINIMAL.replace("heartbeat:\n", "heartbeat:\n  intervalMS: 1000\n");
        assertThat(error(yaml, "heartbeat.intervalMS")).contains("unknown key").contains("Did you mean 'intervalMs'");
    }

    @Test
    void anUnknownTopLevelKeyIsNamed() {
        assertThat(error(MINIMAL + "witnes:\n  address: 10.0.0.3\n", "witnes")).contains("Did you mean 'witness'");
    }

    @Test
    void aFarOffUnknownKeyGetsNoSuggestion() {
        assertThat(error(MINIMAL + "colour: blue\n", "colour")).contains("unknown key").doesNotContain("Did you mean");
    }

    @Test
    void duplicateResourceNamesAreRefused() {
        String yaml = FULL.replace("- name: mgmt", "- name: db");
        assertThat(error(yaml, "resources[1].name")).contains("duplicate resource name 'db'");
    }

    @Test
    void anUnknownDependencyIsRefused() {
        assertThat(error(FULL.replace("dependsOn: [db]", "dependsOn: [dbx]"), "resources[1].dependsOn[0]"))
                .contains("'dbx' is not another resource");
    }

    @Test
    void aDependencyCycleIsRefused() {
        String yaml = FULL.replace("start: [\"pg_ctl\", \"start\"]", "start: [\"pg_ctl\", \"start\"]\n    dependsOn: [mgmt]");
        assertThat(error(yaml, "resources[0].dependsOn")).contains("cycle: db -> mgmt -> db");
    }

    @Test
    void aBadCheckerPortIsRefused() {
        assertThat(error(FULL.replace("port: 5432", "port: 70000"), "resources[0].checkers[0].port"))
                .contains("between 1 and 65535");
    }

    @Test
    void aKeyThatDoesNotFitTheCheckerTypeIsRefused() {
        assertThat(error(FULL.replace("port: 5432", "url: http://x/"), "resources[0].checkers[0].url"))
                .contains("does not apply to a tcp checker");
    }

    @Test
    void neitherKeyNorKeyFileIsRefused() {
        assertThat(error(MINIMAL.replace("  key: \"" + KEY + "\"\n", ""), "cluster.key"))
                .contains("neither key nor keyFile");
    }

    @Test
    void bothKeyAndKeyFileAreRefused() {
        assertThat(error(MINIMAL.replace("  key:", "  keyFile: k\n  key:"), "cluster.key"))
                .contains("both key and keyFile");
    }

    @Test
    void aShortKeyIsRefusedWithoutPrintingIt() {
        String msg = error(MINIMAL.replace(KEY, "abcdef0123"), "cluster.key");
        assertThat(msg).contains("too short").doesNotContain("abcdef0123");
    }

    @Test
    void aNonHexKeyIsRefusedWithoutPrintingIt() {
        String bad = KEY.replace('a', 'z');
        assertThat(error(MINIMAL.replace(KEY, bad), "cluster.key")).contains("hexadecimal").doesNotContain(bad);
    }

    @Test
    void anUnquotedAllDigitKeyIsRefused() {
        String digits = "1234567890123456789012345678901234";
        assertThat(error(MINIMAL.replace("\"" + KEY + "\"", digits), "cluster.key")).contains("quotes")
                .doesNotContain(digits);
    }

    @Test
    void aMissingRequiredKeyIsNamed() {
        assertThat(error(MINIMAL.replace("  dataDir: /var/lib/vigil/node2\n", ""), "node.dataDir"))
                .contains("required key is missing");
    }

    @Test
    void aMissingSectionIsNamed() {
        assertThat(error(MINIMAL.substring(0, MINIMAL.indexOf("heartbeat:")), "heartbeat"))
                .contains("required key is missing");
    }

    @Test
    void aWrongTypeIsNamed() {
        assertThat(error(MINIMAL.replace("id: 2", "id: two"), "node.id")).contains("whole number");
    }

    @Test
    void aBadBootModeIsNamed() {
        assertThat(error(MINIMAL + "boot: sometimes\n", "boot")).contains("keep, enabled or disabled");
    }

    @Test
    void somethingThatIsNotYamlIsRefused() {
        String msg = error("cluster: [unclosed\n  key: \"" + KEY + "\"\n\t\u0000", "");
        assertThat(msg).contains("not valid YAML").contains("line");
    }

    @Test
    void plainTextIsNotAConfiguration() {
        assertThat(error("just some words\n", "")).contains("not a YAML configuration");
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThat(error("", "")).contains("empty");
        assertThat(error("# only a comment\n", "")).contains("no settings");
    }

    @Test
    void aKeyWrittenTwiceIsRefused() {
        assertThat(error(MINIMAL + "boot: keep\nboot: enabled\n", "")).contains("written twice");
    }

    @Test
    void aMissingFileIsAClearError() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> VigilConfig.load(dir.resolve("nope.yaml")));
        assertThat(t).isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml")
                .hasMessageContaining("cannot read");
    }

    @Test
    void fenceMarginMustFitTheTimings() {
        assertThat(error(MINIMAL + "failover:\n  fenceMarginMs: 2500\n", "failover.fenceMarginMs"))
                .contains("less than");
    }
}
