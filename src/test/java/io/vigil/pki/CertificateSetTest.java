package io.vigil.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The console's generated certificates and the check of a site's own (SPEC §7). */
class CertificateSetTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final List<String> HOSTS = List.of("vms1", "vms1.example.com", "vms2", "vms2.example.com");

    @TempDir
    Path dir;

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void aGeneratedSetNamesBothNodesAndTheVipForFiveYearsWithPrivateKeys() throws Exception {
        CertificateSet.create(dir, "site-a", HOSTS, List.of("10.0.0.10"), at(NOW));
        CertificateSet.Report r = CertificateSet.check(dir, List.of("vms1.example.com", "VMS2", "10.0.0.10"), at(NOW));
        assertThat(r.names()).containsExactly("vms1", "vms1.example.com", "vms2", "vms2.example.com", "10.0.0.10");
        assertThat(r.daysLeft()).isBetween(5 * 365L, 5 * 365L + 1);
        assertThat(r.expiresSoon()).isFalse();
        for (String key : List.of(CertificateSet.CA_KEY, CertificateSet.SERVER_KEY)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .isEqualTo("rw-------");
        }
        assertThat(PemFiles.readCertificates(dir.resolve(CertificateSet.EXPORT))).hasSize(1);
    }

    @Test
    void thirtyDaysBeforeTheEndTheSetSaysSo() throws Exception {
        CertificateSet.create(dir, "site-a", HOSTS, List.of(), at(NOW));
        Instant late = NOW.plus(Pki.CONSOLE_VALIDITY).minus(Duration.ofDays(29));
        assertThat(CertificateSet.check(dir, List.of(), at(late)).expiresSoon()).isTrue();
        assertThatThrownBy(() -> CertificateSet.check(dir, List.of(), at(NOW.plus(Pki.CONSOLE_VALIDITY).plusSeconds(1))))
                .isInstanceOf(PkiException.class).hasMessageContaining("server.crt expired on");
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        CertificateSet.create(dir, "site-a", HOSTS, List.of(), at(NOW));
        Path other = Files.createDirectories(dir.resolve("other"));
        CertificateSet.create(other, "site-b", HOSTS, List.of(), at(NOW));
        Files.copy(other.resolve(CertificateSet.CA), dir.resolve(CertificateSet.CA),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> CertificateSet.check(dir, List.of(), at(NOW))).isInstanceOf(PkiException.class)
                .hasMessageStartingWith("server.crt is not signed by cacert.crt");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        CertificateSet.create(dir, "site-a", HOSTS, List.of(), at(NOW));
        PemFiles.writeKey(dir.resolve(CertificateSet.SERVER_KEY), Pki.newKey().getPrivate());
        assertThatThrownBy(() -> CertificateSet.check(dir, List.of(), at(NOW))).isInstanceOf(PkiException.class)
                .hasMessage("server.key is not the key of server.crt: use the key the certificate was requested with");
    }

    @Test
    void aNameTheCertificateDoesNotHoldIsRefused() throws Exception {
        CertificateSet.create(dir, "site-a", List.of("vms1", "vms2"), List.of(), at(NOW));
        assertThatThrownBy(() -> CertificateSet.check(dir, List.of("10.0.0.10"), at(NOW)))
                .isInstanceOf(PkiException.class).hasMessageStartingWith("server.crt is not valid for 10.0.0.10 (it names"
                        + " [vms1, vms2])");
    }

    @Test
    void missingOrDamagedFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> CertificateSet.check(dir, List.of(), at(NOW))).isInstanceOf(PkiException.class)
                .hasMessageContaining("cacert.crt is missing");
        CertificateSet.create(dir, "site-a", HOSTS, List.of(), at(NOW));
        Files.writeString(dir.resolve(CertificateSet.SERVER), "not a certificate\n");
        assertThatThrownBy(() -> CertificateSet.check(dir, List.of(), at(NOW))).isInstanceOf(PkiException.class)
                .hasMessageContaining("holds no PEM certificate");
        Files.writeString(dir.resolve(CertificateSet.SERVER_KEY), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.readKey(dir.resolve(CertificateSet.SERVER_KEY)))
                .isInstanceOf(PkiException.class);
    }
}
