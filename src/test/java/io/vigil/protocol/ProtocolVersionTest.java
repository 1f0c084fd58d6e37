package io.vigil.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Issue 15: the window every channel applies, and the test-only override. */
class ProtocolVersionTest {

    @Test
    void aNodeTalksToItsOwnVersionAndOneEitherSide() {
        assertThat(ProtocolVersion.accepts(6, 5)).isTrue();
        assertThat(ProtocolVersion.accepts(6, 6)).isTrue();
        assertThat(ProtocolVersion.accepts(6, 7)).isTrue();
        assertThat(ProtocolVersion.accepts(6, 8)).isFalse();
        assertThat(ProtocolVersion.accepts(8, 6)).isFalse();
        assertThat(ProtocolVersion.accepts(5, 4)).as("4 is a channel's own version from before the window").isFalse();
        assertThat(ProtocolVersion.accepts(5, Integer.MAX_VALUE)).isFalse();
        assertThat(ProtocolVersion.accepts(Integer.MAX_VALUE, Integer.MIN_VALUE)).isFalse();
    }

    @Test
    void aRefusalNamesBothVersionsAndTheNodeToUpgradeFirst() {
        assertThat(ProtocolVersion.refusal(5, "node 2", 7)).isEqualTo("node 2 speaks protocol 7, this node 5: more"
                + " than one version apart (protocol 5 talks to 5..6); upgrade this node from protocol 5 to 6 first");
        assertThat(ProtocolVersion.refusal(8, "node 1", 6)).isEqualTo("node 1 speaks protocol 6, this node 8: more"
                + " than one version apart (protocol 8 talks to 7..9); upgrade node 1 from protocol 6 to 7 first");
        assertThat(ProtocolVersion.refusal(5, "node 1", 3)).isEqualTo("node 1 speaks protocol 3, this node 5: it is a"
                + " Vigil from before rolling upgrades (protocol 5); from that old a version, upgrade both nodes"
                + " together (one short outage)");
    }

    @Test
    void theTestOnlyOverrideIsAWholeNumberInRange() {
        assertThat(ProtocolVersion.fromProperty(null)).isEqualTo(ProtocolVersion.RELEASED);
        assertThat(ProtocolVersion.fromProperty(" 7 ")).isEqualTo(7);
        assertThatThrownBy(() -> ProtocolVersion.fromProperty("six"))
                .hasMessage("-Dvigil.protocol.version=six is not a whole number; it is for tests only: remove it");
        assertThatThrownBy(() -> ProtocolVersion.fromProperty("4"))
                .hasMessage("-Dvigil.protocol.version=4 is outside 5..200; it is for tests only: remove it");
    }
}
