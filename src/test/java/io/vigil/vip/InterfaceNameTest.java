package io.vigil.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 10 item 8: vip.interface reaches ip and arping as root; only interface names get there. */
class InterfaceNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"eth0", "ens18", "bond0.100", "br-lan", "eth0:1", "enp0s31f6", "a", "abcdefghijklmno"})
    void realInterfaceNamesAreAccepted(String name) {
        assertThat(VirtualIp.isInterfaceName(name)).isTrue();
        VirtualIp vip = VirtualIp.of("10.0.0.10/24", name, line -> { });
        assertThat(vip.removeCommand()).containsExactly("ip", "-4", "addr", "del", "10.0.0.10/24", "dev", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0; touch /tmp/x", "$(reboot)", "eth0 eth1", "`id`", "eth0\n", ".", "..",
            "abcdefghijklmnop", "eth/0", "", "eth0|sh", "é0"})
    void anythingElseIsRefusedNamingTheKey(String name) {
        assertThat(VirtualIp.isInterfaceName(name)).isFalse();
        if (!name.isEmpty()) {
            assertThatThrownBy(() -> VirtualIp.of("10.0.0.10/24", name, line -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("vip.interface '").hasMessageContaining("is not a Linux interface name");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.10/8"})
    void loopbackModeHasNothingToRemove(String address) {
        assertThat(VirtualIp.of(address, null, line -> { }).removeCommand()).isEmpty();
    }
}
