package io.vigil.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

/** Issue 15: the admin channel's version window, both ways, for the greeting and the request alike. */
class AdminProtocolVersionTest {

    @Test
    void oneVersionApartIsAcceptedBothWays() {
        assertThat(AdminProtocol.refusal(5, "node at 10.0.0.2:4800", IntNode.valueOf(6))).isNull();
        assertThat(AdminProtocol.refusal(6, "the client 10.0.0.1", IntNode.valueOf(5))).isNull();
        assertThat(AdminProtocol.refusal(5, "the client 10.0.0.1", IntNode.valueOf(5))).isNull();
    }

    @Test
    void twoVersionsApartAreRefusedBothWaysNamingBothAndWhatToUpgrade() {
        assertThat(AdminProtocol.refusal(5, "node at 10.0.0.2:4800", IntNode.valueOf(7))).isEqualTo(
                "node at 10.0.0.2:4800 speaks protocol 7, this node 5: more than one version apart (protocol 5 talks"
                        + " to 5..6); upgrade this node from protocol 5 to 6 first (the vigil CLI speaks its installed"
                        + " version)");
        assertThat(AdminProtocol.refusal(7, "the client 10.0.0.1", IntNode.valueOf(5))).isEqualTo(
                "the client 10.0.0.1 speaks protocol 5, this node 7: more than one version apart (protocol 7 talks"
                        + " to 6..8); upgrade the client 10.0.0.1 from protocol 5 to 6 first (the vigil CLI speaks its"
                        + " installed version)");
    }

    @Test
    void aMissingOrNonNumericVersionSaysWhatToUse() {
        assertThat(AdminProtocol.refusal(5, "the client me", null))
                .startsWith("the client me speaks admin protocol 1 or 2 (no \"protocol\"), this node 5");
        assertThat(AdminProtocol.refusal(5, "the client me", TextNode.valueOf("5\u0000x")))
                .startsWith("the client me speaks admin protocol 5?x, this node 5");
    }
}
