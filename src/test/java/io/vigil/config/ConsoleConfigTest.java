package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code console:} section (SPEC §5, §7): no default password, secrets never printed. */
class ConsoleConfigTest extends ConfigFixture {

    @Test
    void noConsoleSectionMeansNoConsole() throws Exception {
        assertThat(load(MINIMAL).console()).isNull();
    }

    @Test
    void aConsoleWithAPasswordFileGetsTheDefaultPortOnAllAddresses() throws Exception {
        ConsoleSection c = load(MINIMAL + "console:\n  passwordFile: console-password\n").console();
        assertThat(c.port()).isEqualTo(9010);
        assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.passwordFile()).isEqualTo(dir.resolve("console-password"));
    }

    @Test
    void theMetricsTokenFileIsOptionalAndResolvedBesideTheConfiguration() throws Exception {
        assertThat(load(MINIMAL + "console:\n  passwordFile: p\n").console().metricsTokenFile()).isNull();
        ConsoleSection c = load(MINIMAL + "console:\n  passwordFile: p\n  metricsTokenFile: metrics-token\n").console();
        assertThat(c.metricsTokenFile()).isEqualTo(dir.resolve("metrics-token"));
        assertThat(c.toString()).contains("metricsTokenFile=" + dir.resolve("metrics-token"));
    }

    @Test
    void aConsoleWithoutAPasswordIsRefusedBecauseThereIsNoDefault() {
        assertThat(error(MINIMAL + "console:\n  port: 9010\n", "console.password"))
                .contains("no password").contains("no default").contains("passwordFile");
    }

    @Test
    void bothPasswordAndFileAreRefused() {
        assertThat(error(MINIMAL + "console:\n  password: \"long enough secret\"\n  passwordFile: f\n",
                "console.password")).contains("both");
    }

    @Test
    void aShortPasswordIsRefusedWithoutPrintingIt() {
        assertThat(error(MINIMAL + "console:\n  password: \"abc12\"\n", "console.password"))
                .contains("shorter than 8").doesNotContain("abc12");
    }

    @Test
    void aNumericPasswordMustBeQuoted() {
        assertThat(error(MINIMAL + "console:\n  password: 12345678\n", "console.password")).contains("quotes");
    }

    @Test
    void aBadPortIsNamed() {
        assertThat(error(MINIMAL + "console:\n  port: 70000\n  passwordFile: f\n", "console.port"))
                .contains("between 1 and 65535");
    }

    @Test
    void theWrittenConfigurationRedactsThePassword() throws Exception {
        VigilConfig c = load(MINIMAL + "console:\n  port: 9011\n  password: \"s3cret-console-pw\"\n");
        assertThat(c.toYaml()).contains("console:").contains("port: 9011").doesNotContain("s3cret-console-pw");
        assertThat(c.console().toString()).doesNotContain("s3cret-console-pw");
    }

    @Test
    void httpsNeedsBothCertificateAndKeyAndDefaultsToPort9453() throws Exception {
        assertThat(error(MINIMAL + "console:\n  passwordFile: f\n  certificate: server.crt\n", "console.privateKey"))
                .contains("both a certificate and its private key");
        ConsoleSection c = load(MINIMAL + "console:\n  passwordFile: f\n  certificate: server.crt\n"
                + "  privateKey: server.key\n").console();
        assertThat(c.https()).isTrue();
        assertThat(c.port()).isEqualTo(9453);
        assertThat(c.privateKey()).isEqualTo(dir.resolve("server.key"));
    }

    @Test
    void aPairedNodesConsoleIsHttpsOn9453ByDefaultAndHttpOnlyWhenAskedFor() throws Exception {
        Path data = dir.resolve("data");
        io.vigil.pki.ClusterTls.provisionLocal("demo", java.util.List.of(), data);
        String paired = MINIMAL.replace("/var/lib/vigil/node2", data.toString());

        ConsoleSection byDefault = load(paired + "console:\n  passwordFile: f\n").console();
        ConsoleSection asked = load(paired + "console:\n  passwordFile: f\n  protocol: http\n").console();

        assertThat(byDefault.mode()).isEqualTo(ConsoleSection.Mode.HTTPS_CLUSTER);
        assertThat(byDefault.port()).isEqualTo(9453);
        assertThat(byDefault.plainHttpWarning()).isNull();
        assertThat(asked.mode()).isEqualTo(ConsoleSection.Mode.HTTP_ASKED);
        assertThat(asked.port()).isEqualTo(9010);
        assertThat(load(paired + "console:\n  passwordFile: f\n  protocol: http\n").toYaml()).contains("protocol: http");
    }

    @Test
    void anUnknownProtocolIsRefused() {
        assertThat(error(MINIMAL + "console:\n  passwordFile: f\n  protocol: ftp\n", "console.protocol"))
                .contains("must be http or https, was 'ftp'").contains("Leave it out for HTTPS (the default)");
    }

    @Test
    void plainHttpWithACertificateIsRefused() {
        assertThat(error(MINIMAL + "console:\n  passwordFile: f\n  protocol: http\n  certificate: s.crt\n"
                + "  privateKey: s.key\n", "console.protocol"))
                .contains("is http, but a certificate is configured")
                .contains("Remove 'protocol: http' to serve HTTPS with it");
    }

    @Test
    void httpsWithoutACertificateOnANodeNotPairedIsRefused() {
        assertThat(error(MINIMAL + "console:\n  passwordFile: f\n  protocol: https\n", "console.protocol"))
                .contains("is https, but no certificate is configured and this node has no cluster certificates in"
                        + " /var/lib/vigil/node2/tls")
                .contains("Pair the nodes first (vigil setup), or set 'certificate' and 'privateKey'");
    }
}
