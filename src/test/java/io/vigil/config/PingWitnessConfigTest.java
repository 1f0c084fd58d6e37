package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** `witness: {ping: <gateway>}`: read, validated, written back, warned about. */
class PingWitnessConfigTest extends ConfigFixture {

    @Test
    void aPingTargetIsAWitnessWithAWarningAboutItsWeakerGuarantee() throws Exception {
        VigilConfig c = load(MINIMAL + "witness:\n  ping: 10.0.0.254\n");
        assertThat(c.witness()).isEqualTo(WitnessSection.pingTarget("10.0.0.254"));
        assertThat(c.witness().isPing()).isTrue();
        assertThat(c.toCoreConfig().witnessConfigured()).isTrue();
        assertThat(c.warnings()).singleElement().asString()
                .contains("ping target (10.0.0.254)", "both will run the services", "vigil witness");
        assertThat(c.toYaml()).contains("witness:\n  ping: 10.0.0.254\n").doesNotContain("port: 0");
    }

    @Test
    void pingAndAddressTogetherAreRefused() {
        assertThat(error(MINIMAL + "witness:\n  ping: 10.0.0.254\n  address: 10.0.0.3\n", "witness.ping"))
                .contains("cannot be combined with address/port");
        assertThat(error(MINIMAL + "witness:\n  ping: 10.0.0.254\n  port: 4850\n", "witness.ping"))
                .contains("cannot be combined");
    }

    @Test
    void aWitnessWithNeitherNamesBothChoices() {
        assertThat(error(MINIMAL + "witness:\n  port: 4850\n", "witness.address"))
                .contains("is required (or 'ping')", "ping: <gateway IPv4>");
    }

    @Test
    void thePingTargetMustBeAnIpv4AddressBeyondThisMachine() {
        assertThat(error(MINIMAL + "witness:\n  ping: gateway\n", "witness.ping")).contains("IPv4");
        assertThat(error(MINIMAL + "witness:\n  ping: \"fe80::1\"\n", "witness.ping")).contains("IPv6");
        assertThat(error(MINIMAL + "witness:\n  ping: 127.0.0.1\n", "witness.ping")).contains("always answers");
    }

    @Test
    void aLeaseServiceWitnessIsUnchanged() throws Exception {
        VigilConfig c = load(MINIMAL + "witness:\n  address: 10.0.0.3\n");
        assertThat(c.witness()).isEqualTo(new WitnessSection("10.0.0.3", 4850));
        assertThat(c.witness().isPing()).isFalse();
        assertThat(c.warnings()).isEmpty();
    }
}
