package io.vigil.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** `vigil setup check` on this machine: changes nothing, says what fails and how to fix it. */
class SetupCommandTest extends CliFixture {

    @Test
    void aLoopbackPeerFailsTheCheckWithItsReasonAndExitOne() {
        Run run = vigil("setup", "check", "--peer", "127.0.0.1", "--local", "127.0.0.1", "--database", "external");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  name resolution of 127.0.0.1: 127.0.0.1 is a loopback address: the other"
                + " node cannot reach it").contains("checks failed: fix them, then run this again");
    }

    @Test
    void badOptionsAreAUsageError() {
        Run run = vigil("setup", "check", "--peer", "vms2", "--node-id", "3");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--node-id must be 1 or 2");
    }
}
