package io.vigil.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.heartbeat.HeartbeatNetworks.Network;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatNetworksTest {
    private static final List<Network> ONE = List.of(new Network("10.0.0.1", "10.0.0.2"));

    @Test
    void eachNodeListensOnBasePortPlusItsIdMinusOne() {
        HeartbeatNetworks node1 = new HeartbeatNetworks(1, 8888, ONE);
        HeartbeatNetworks node2 = new HeartbeatNetworks(2, 8888, ONE);
        assertThat(node1.ownPort()).isEqualTo(8888);
        assertThat(node1.peerPort()).isEqualTo(8889);
        assertThat(node2.ownPort()).isEqualTo(8889);
        assertThat(node2.peerPort()).isEqualTo(8888);
        assertThat(node2.peerId()).isEqualTo(1);
    }

    @Test
    void invalidSettingsNameTheKey() {
        assertThatThrownBy(() -> new HeartbeatNetworks(3, 8888, ONE))
                .hasMessageContaining("ownId=3");
        assertThatThrownBy(() -> new HeartbeatNetworks(1, 65535, ONE))
                .hasMessageContaining("basePort=65535");
        assertThatThrownBy(() -> new HeartbeatNetworks(1, 8888, List.of()))
                .hasMessageContaining("networks is empty");
        assertThatThrownBy(() -> new Network("", "10.0.0.2"))
                .hasMessageContaining("localAddress");
    }
}
