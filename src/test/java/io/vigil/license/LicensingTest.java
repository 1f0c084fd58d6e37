package io.vigil.license;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Licenses (SPEC §8): signed by the vendor, bound to both host names, dated; the 3-day demo. */
class LicensingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant SETUP = Instant.parse("2026-12-07T10:00:00Z");
    private static KeyPair vendor;
    private static KeyPair other;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void keys() throws Exception {
        vendor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static byte[] issue(KeyPair by, List<String> hosts, LocalDate expires) throws Exception {
        return LicenseCodec.encode(new License("L-42", "ACME Security", hosts, LocalDate.of(2026, 11, 1), expires),
                by.getPrivate());
    }

    private Licensing at(Instant now) {
        return new Licensing(dataDir, vendor.getPublic(), Clock.fixed(now, ZoneOffset.UTC), "vms1", "vms2.example.com");
    }

    @Test
    void aValidLicenseForBothHostsIsAppliedAndShown() throws Exception {
        Licensing l = at(SETUP);
        l.apply(issue(vendor, List.of("VMS1.example.com", "vms2"), LocalDate.of(2027, 12, 31)));
        LicenseStatus s = l.status();
        assertThat(s.kind()).isEqualTo(LicenseStatus.Kind.LICENSED);
        assertThat(s.message()).isEqualTo("licensed to ACME Security (L-42), valid until 2027-12-31");
        assertThat(s.enforced()).isFalse();
    }

    @Test
    void everyChangedByteOfTheTermsOrTheSignatureIsRefused() throws Exception {
        byte[] file = issue(vendor, List.of("vms1", "vms2"), null);
        ObjectNode root = (ObjectNode) JSON.readTree(file);
        for (String field : List.of("license", "signature")) {
            byte[] original = Base64.getDecoder().decode(root.get(field).asText());
            for (int i = 0; i < original.length; i++) {
                byte[] changed = original.clone();
                changed[i] ^= 0x01;
                ObjectNode copy = root.deepCopy().put(field, Base64.getEncoder().encodeToString(changed));
                byte[] tampered = JSON.writeValueAsBytes(copy);
                assertThatThrownBy(() -> at(SETUP).check(tampered)).as("%s byte %d", field, i)
                        .isInstanceOf(LicenseException.class).hasMessageContaining("signature does not verify");
            }
        }
    }

    @Test
    void aLicenseSignedByAnotherKeyIsRefused() {
        assertThatThrownBy(() -> at(SETUP).check(issue(other, List.of("vms1", "vms2"), null)))
                .isInstanceOf(LicenseException.class).hasMessageContaining("not issued by the vendor");
    }

    @Test
    void aLicenseForOtherHostNamesIsRefusedNamingThem() throws Exception {
        byte[] file = issue(vendor, List.of("vms1", "vms3"), null);
        assertThatThrownBy(() -> at(SETUP).apply(file)).isInstanceOf(LicenseException.class)
                .hasMessage("the license is for hosts [vms1, vms3], not for vms2.example.com (this cluster is vms1 and"
                        + " vms2.example.com): ask for a license naming both nodes' host names");
        assertThat(dataDir.resolve(Licensing.LICENSE_FILE)).doesNotExist();
    }

    @Test
    void anExpiredLicenseIsRefusedAndTheOldOneStays() throws Exception {
        Licensing l = at(SETUP);
        l.apply(issue(vendor, List.of("vms1", "vms2"), null));
        byte[] before = Files.readAllBytes(dataDir.resolve(Licensing.LICENSE_FILE));
        assertThatThrownBy(() -> l.apply(issue(vendor, List.of("vms1", "vms2"), LocalDate.of(2026, 12, 6))))
                .isInstanceOf(LicenseException.class)
                .hasMessageContaining("the license expired on 2026-12-06");
        assertThat(Files.readAllBytes(dataDir.resolve(Licensing.LICENSE_FILE))).isEqualTo(before);
    }

    @Test
    void theDemoLastsThreeDaysFromTheFirstLookThenTheServiceIsStoppedUntilALicense() throws Exception {
        assertThat(at(SETUP).status().kind()).isEqualTo(LicenseStatus.Kind.DEMO);
        assertThat(at(SETUP).status().message()).startsWith("demo until 2026-12-10 (no license installed)");
        // The start is recorded once: a later first look does not move it.
        assertThat(at(SETUP.plusSeconds(86_400 * 3)).status().kind()).isEqualTo(LicenseStatus.Kind.DEMO);
        LicenseStatus over = at(SETUP.plusSeconds(86_400 * 4)).status();
        assertThat(over.kind()).isEqualTo(LicenseStatus.Kind.UNLICENSED);
        assertThat(over.enforced()).isTrue();
        assertThat(over.message()).startsWith("the demo ended on 2026-12-10 and no license installed: the management"
                + " service is stopped once a day");
        at(SETUP.plusSeconds(86_400 * 4)).apply(issue(vendor, List.of("vms1", "vms2"), null));
        assertThat(at(SETUP.plusSeconds(86_400 * 4)).status().kind()).isEqualTo(LicenseStatus.Kind.LICENSED);
    }

    @Test
    void aLicenseThatExpiresLaterEndsInUnlicensedWithTheReason() throws Exception {
        at(SETUP).status(); // configured today: the demo runs from here
        at(SETUP).apply(issue(vendor, List.of("vms1", "vms2"), LocalDate.of(2026, 12, 31)));
        LicenseStatus s = at(Instant.parse("2027-01-01T00:00:00Z")).status();
        assertThat(s.kind()).isEqualTo(LicenseStatus.Kind.UNLICENSED);
        assertThat(s.message()).contains("the installed license cannot be used: the license expired on 2026-12-31");
    }

    @Test
    void garbageIsNotALicense() {
        for (String junk : List.of("", "null", "[]", "{\"format\":\"vigil-license/1\",\"license\":\"%%%\"}",
                "x".repeat(20_000))) {
            assertThatThrownBy(() -> at(SETUP).check(junk.getBytes(StandardCharsets.UTF_8))).as(junk.length() > 40
                    ? "long" : junk).isInstanceOf(LicenseException.class);
        }
    }

    @Test
    void theBuiltInVendorKeyLoads() {
        assertThat(VendorKey.get().getAlgorithm()).isIn("EdDSA", "Ed25519");
    }
}
