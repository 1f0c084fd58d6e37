package io.vigil.vip;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NetAdminCapabilityTest {
    private static final String ROOT = "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
            + "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n";
    private static final String USER = ROOT.replace("CapEff:\t000001ffffffffff", "CapEff:\t0000000000000000");
    /** Everything but bit 12, as `setpriv --bounding-set=-net_admin` leaves root. */
    private static final String ROOT_WITHOUT_NET_ADMIN = ROOT.replace("CapEff:\t000001ffffffffff",
            "CapEff:\t000001ffffffefff");
    /** Only CAP_NET_ADMIN, as `setcap cap_net_admin+ep` on java gives a normal user. */
    private static final String SETCAP_USER = ROOT.replace("CapEff:\t000001ffffffffff", "CapEff:\t0000000000001000");

    @Test
    void readsBitTwelveOfTheEffectiveMask() {
        assertThat(NetAdminCapability.effective(ROOT)).contains(true);
        assertThat(NetAdminCapability.effective(SETCAP_USER)).contains(true);
        assertThat(NetAdminCapability.effective(USER)).contains(false);
        assertThat(NetAdminCapability.effective(ROOT_WITHOUT_NET_ADMIN)).contains(false);
    }

    @Test
    void anUnreadableOrStrangeStatusIsUnknownNotMissing() {
        assertThat(NetAdminCapability.effective("")).isEmpty();
        assertThat(NetAdminCapability.effective("CapEff:\tzz\n")).isEmpty();
        assertThat(NetAdminCapability.problem("10.0.0.10/24", "")).isEmpty();
    }

    @Test
    void aRealVirtualIpWithoutTheCapabilityIsAProblemThatSaysWhatToDo() {
        assertThat(NetAdminCapability.problem("10.0.0.10/24", ROOT)).isEmpty();
        assertThat(NetAdminCapability.problem("10.0.0.10/24", SETCAP_USER)).isEmpty();
        assertThat(NetAdminCapability.problem("10.0.0.10/24", USER)).hasValueSatisfying(m -> assertThat(m)
                .contains("vip.address 10.0.0.10", "CAP_NET_ADMIN", "as root", "setcap cap_net_admin,cap_net_raw+ep",
                        "vigil-node unit", "AmbientCapabilities=CAP_NET_ADMIN", "127.x"));
        assertThat(NetAdminCapability.problem("10.0.0.10/24", ROOT_WITHOUT_NET_ADMIN)).isPresent();
    }

    @Test
    void loopbackModeNeedsNoCapability() {
        assertThat(NetAdminCapability.problem("127.0.0.100/8", USER)).isEmpty();
    }
}
