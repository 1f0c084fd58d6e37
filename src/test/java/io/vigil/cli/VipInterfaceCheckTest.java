package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Issue 10 item 8: `vigil config check` refuses a vip.interface that is not an interface name. */
class VipInterfaceCheckTest extends CliFixture {

    @Test
    void aShellCommandInVipInterfaceIsRefusedByConfigCheck() throws Exception {
        Path cfg = config(6259, 6260);
        Path marker = dir.resolve("pwned");
        Files.writeString(cfg, Files.readString(cfg) + "vip:\n  address: 10.0.0.10/24\n  interface: \"eth0; touch "
                + marker + "\"\n");
        Run run = vigil("config", "check", cfg.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(cfg.toString()).contains("vip.interface: 'eth0; touch ")
                .contains("is not a Linux interface name").contains("e.g. eth0");
        assertThat(marker).doesNotExist();

        Files.writeString(cfg, Files.readString(cfg).replace("eth0; touch " + marker, "eth0"));
        Run ok = vigil("config", "check", cfg.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
    }
}
