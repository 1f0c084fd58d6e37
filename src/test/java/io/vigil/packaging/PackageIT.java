package io.vigil.packaging;

import io.vigil.daemon.NotifySocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15: the Debian package that {@code mvn package} builds (target/vigil.deb), installed with
 * dpkg into a throwaway clone of this machine's root ({@link ThrowawayRoot}), then used the way an
 * administrator would: the user and layout, the launcher, man pages and completion, the units
 * checked by systemd-analyze, the witness unit's command started with systemd's notify socket,
 * an upgrade that keeps an edited configuration, removal (configuration kept) and purge.
 * Runs in {@code mvn verify} (failsafe), after the package exists. Needs root: fails, saying so,
 * without it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageIT {
    private static final Path DEB = Path.of(System.getProperty("vigil.home", "."), "target", "vigil.deb");
    private static ThrowawayRoot box;

    @BeforeAll
    static void install() throws Exception {
        assertThat(ProcessHandle.current().info().user().orElse("")).as(
                "PackageIT installs the package into an overlay clone of / with mount and chroot: run it as root"
                        + " (CI does)").isEqualTo("root");
        assertThat(DEB).as("the package built by mvn package").exists();
        box = ThrowawayRoot.create();
        Files.copy(DEB, box.path("/root/vigil.deb"));
        // man-db's trigger re-indexes every man page on each install (tens of seconds); the clone
        // does not need the index, and the flag file is how Debian switches it off.
        Files.deleteIfExists(box.path("/var/lib/man-db/auto-update"));
        box.ok("dpkg", "-i", "/root/vigil.deb");
    }

    @AfterAll
    static void discard() throws Exception {
        if (box != null) {
            box.close();
        }
    }

    @Test
    @Order(1)
    void installingCreatesTheUserAndTheLayout() throws Exception {
        assertThat(box.ok("getent", "passwd", "vigil")).contains(":/var/lib/vigil:/usr/sbin/nologin");
        assertThat(box.ok("stat", "-c", "%n %a %U %G", "/etc/vigil", "/var/lib/vigil", "/var/log/vigil",
                "/var/lib/vigil-witness")).isEqualTo(String.join("\n", "/etc/vigil 750 root vigil",
                "/var/lib/vigil 711 vigil vigil", "/var/log/vigil 750 vigil vigil", "/var/lib/vigil-witness 700 vigil vigil", ""));
        assertThat(box.ok("vigil", "--version")).contains("vigil ");
        assertThat(box.ok("dpkg-query", "-W", "-f", "${Status}", "vigil")).isEqualTo("install ok installed");
        // No vendor tool in a node's package (SPEC 8): licenses are issued elsewhere.
        assertThat(box.ok("dpkg", "-L", "vigil")).doesNotContain("license-tool").contains("/usr/bin/vigil");
    }

    @Test
    @Order(2)
    void manPagesAndCompletionComeFromTheCli() throws Exception {
        assertThat(Files.readString(box.path("/usr/share/man/man1/vigil-node.1"))).contains(".TH \"VIGIL\\-NODE\" \"1\"");
        assertThat(Files.readString(box.path("/usr/share/man/man1/vigil-setup-primary.1"))).contains("security");
        assertThat(Files.readString(box.path("/usr/share/bash-completion/completions/vigil")))
                .contains("complete -F").contains("swap");
    }

    @Test
    @Order(3)
    void theUnitsPassSystemdsOwnCheck() throws Exception {
        ThrowawayRoot.Result r = box.run("systemd-analyze", "verify", "/lib/systemd/system/vigil-node.service",
                "/lib/systemd/system/vigil-witness.service");
        assertThat(r.output()).as("systemd-analyze verify output").doesNotContain("Unknown").doesNotContain("rror");
        assertThat(r.ok()).as(r.output()).isTrue();
        String node = Files.readString(box.path("/lib/systemd/system/vigil-node.service"));
        assertThat(node).contains("Type=notify", "WatchdogSec=", "ExecStopPost=-/usr/bin/vigil fence",
                "User=vigil", "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW\n",
                "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE\n", "ProtectSystem=strict");
    }

    @Test
    @Order(4)
    void theWitnessUnitsCommandRunsAsVigilAndTellsSystemdItIsReady() throws Exception {
        String key = HexFormat.of().formatHex(randomBytes());
        Files.writeString(box.path("/etc/vigil/witness.yaml"), "bindAddress: 127.0.0.1\nport: " + freeUdpPort()
                + "\nstateDir: /var/lib/vigil-witness\nmaxLeaseMs: 10000\nclusters:\n  - name: site-a\n    key: \""
                + key + "\"\n");
        // The witness refuses a key file others can read: its configuration belongs to its user, 0600.
        box.ok("chown", "vigil:vigil", "/etc/vigil/witness.yaml");
        box.ok("chmod", "0600", "/etc/vigil/witness.yaml");
        Path log = Files.createTempFile("vigil-witness-", ".log");
        try (NotifySocket systemd = new NotifySocket()) {
            // The unit's ExecStart, with its User= (setpriv is what systemd's User= amounts to here).
            Process w = box.start(Map.of("NOTIFY_SOCKET", systemd.name), log, "setpriv", "--reuid=vigil",
                    "--regid=vigil", "--init-groups", "--", "/usr/bin/vigil", "witness", "--config",
                    "/etc/vigil/witness.yaml");
            try {
                assertThat(systemd.await("READY=1", Duration.ofSeconds(60))).contains("READY=1");
                assertThat(w.isAlive()).as(Files.readString(log)).isTrue();
            } finally {
                w.destroy();
                w.waitFor();
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    @Order(5)
    void anUpgradeKeepsTheAdministratorsConfiguration() throws Exception {
        Files.writeString(box.path("/etc/default/vigil"), "VIGIL_JAVA_OPTS=-Xmx300m\n");
        String before = box.ok("dpkg-query", "-W", "-f", "${Version}", "vigil");
        // N+1: the same files under the next version, built with dpkg-deb as a release build would be.
        box.ok("dpkg-deb", "-R", "/root/vigil.deb", "/root/next");
        Path control = box.path("/root/next/DEBIAN/control");
        Files.writeString(control, Files.readString(control).replace("Version: " + before, "Version: " + before + "+next"));
        box.ok("dpkg-deb", "-Znone", "-b", "/root/next", "/root/vigil-next.deb"); // uncompressed: quick
        box.ok("dpkg", "-i", "--force-confold", "/root/vigil-next.deb");
        assertThat(box.ok("dpkg-query", "-W", "-f", "${Version}", "vigil")).isEqualTo(before + "+next");
        assertThat(Files.readString(box.path("/etc/default/vigil"))).isEqualTo("VIGIL_JAVA_OPTS=-Xmx300m\n");
        assertThat(box.path("/etc/vigil/witness.yaml")).exists();
        assertThat(box.ok("vigil", "--version")).contains("vigil ");
    }

    @Test
    @Order(6)
    void removingKeepsConfigurationAndPurgingDeletesIt() throws Exception {
        box.ok("dpkg", "-r", "vigil");
        assertThat(box.path("/usr/bin/vigil")).doesNotExist();
        assertThat(box.path("/usr/share/vigil/lib/vigil.jar")).doesNotExist();
        assertThat(box.path("/etc/vigil/witness.yaml")).as("configuration kept on remove").exists();
        assertThat(box.path("/etc/default/vigil")).as("conffile kept on remove").exists();
        assertThat(box.run("getent", "passwd", "vigil").ok()).as("user kept on remove").isTrue();
        box.ok("dpkg", "-P", "vigil");
        assertThat(box.path("/etc/vigil")).doesNotExist();
        assertThat(box.path("/var/lib/vigil")).doesNotExist();
        assertThat(box.path("/etc/default/vigil")).doesNotExist();
        assertThat(box.run("getent", "passwd", "vigil").ok()).as("user deleted on purge").isFalse();
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
