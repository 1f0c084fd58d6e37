package io.vigil.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console certificate a paired node issues itself from the cluster CA (issue 12): when, and when again. */
class ConsoleCertificateTest {

    @TempDir
    Path dataDir;

    private static final List<String> HOSTS = List.of("vms1", "vms2");
    private static final List<String> IPS = List.of("10.0.0.10", "10.0.0.1", "10.0.0.2");

    @Test
    void itIsIssuedOnceAndKeptWhileItFits() throws Exception {
        ClusterTls.provisionLocal("site-a", List.of(), dataDir);

        ConsoleCertificate.Result first = ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC());
        String issued = Files.readString(first.dir().resolve(CertificateSet.SERVER));
        ConsoleCertificate.Result again = ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC());

        assertThat(first.issued()).isTrue();
        assertThat(first.reason()).isEqualTo("there was none");
        assertThat(again.issued()).isFalse();
        assertThat(Files.readString(again.dir().resolve(CertificateSet.SERVER))).isEqualTo(issued);
        assertThat(CertificateSet.check(first.dir(), List.of("vms1", "vms2", "10.0.0.10"), Clock.systemUTC()).names())
                .containsExactly("vms1", "vms2", "10.0.0.10", "10.0.0.1", "10.0.0.2");
    }

    @Test
    void itIsIssuedAgainAfterTheNodesWerePairedAgain() throws Exception {
        ClusterTls.provisionLocal("site-a", List.of(), dataDir);
        ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC());
        ClusterTls.provisionLocal("site-a", List.of(), dataDir); // a new CA

        ConsoleCertificate.Result r = ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC());

        assertThat(r.issued()).isTrue();
        assertThat(r.reason()).isEqualTo("it was issued by another cluster CA (the nodes were paired again)");
        PemFiles.readCertificates(r.dir().resolve(CertificateSet.SERVER)).get(0)
                .verify(ClusterTls.load(dataDir).ca().getPublicKey());
    }

    @Test
    void itIsIssuedAgainForANewVirtualIp() throws Exception {
        ClusterTls.provisionLocal("site-a", List.of(), dataDir);
        ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC());

        ConsoleCertificate.Result r = ConsoleCertificate.ensure(dataDir, HOSTS, List.of("10.0.0.20"), Clock.systemUTC());

        assertThat(r.issued()).isTrue();
        assertThat(r.reason()).startsWith("server.crt is not valid for 10.0.0.20");
    }

    @Test
    void itIsIssuedAgainWithinThirtyDaysOfItsEnd() throws Exception {
        ClusterTls.provisionLocal("site-a", List.of(), dataDir);
        ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC());
        Clock late = Clock.fixed(Instant.now().plus(Duration.ofDays(5 * 365 - 10)), ZoneOffset.UTC);

        ConsoleCertificate.Result r = ConsoleCertificate.ensure(dataDir, HOSTS, IPS, late);

        assertThat(r.issued()).isTrue();
        assertThat(r.reason()).startsWith("it ends on ");
    }

    @Test
    void aNodeWithoutTheCaKeyCannotIssueOneAndSaysWhatToDo() throws Exception {
        ClusterTls.Authority ca = ClusterTls.Authority.create("site-a", Instant.now());
        ClusterTls.install(dataDir, ca.certificate(), null, ca.issueNode(List.of("vms2"), List.of(), Instant.now()));

        assertThatThrownBy(() -> ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC()))
                .isInstanceOf(PkiException.class)
                .hasMessageContaining("this node does not hold the cluster CA key");
        assertThat(ConsoleCertificate.dir(dataDir)).doesNotExist();
    }

    /** Issue 12: a renewal replaces the folder whole, but the site's client CA (clcacert.crt) stays. */
    @Test
    void renewalIssuesANewCertificateAndKeepsTheClientCa() throws Exception {
        ClusterTls.provisionLocal("site-a", List.of(), dataDir);
        Path dir = ConsoleCertificate.ensure(dataDir, HOSTS, IPS, Clock.systemUTC()).dir();
        java.math.BigInteger before = PemFiles.readCertificates(dir.resolve(CertificateSet.SERVER)).get(0)
                .getSerialNumber();
        ClusterTls.Authority users = ClusterTls.Authority.create("users", Instant.now());
        PemFiles.writeCertificate(dir.resolve(ClientCertificates.FILE), users.certificate());

        ConsoleCertificate.renew(dataDir, HOSTS, IPS, Clock.systemUTC());

        assertThat(PemFiles.readCertificates(dir.resolve(CertificateSet.SERVER)).get(0).getSerialNumber())
                .isNotEqualTo(before);
        assertThat(ClientCertificates.load(dir.resolve(ClientCertificates.FILE)).ca()).isEqualTo(users.certificate());
    }

    /** Issue 12: `vigil cert renew` on a node without the CA key says where the key is. */
    @Test
    void aNodeWithoutTheCaKeyCannotRenewItsCertificateAndSaysWhereTheKeyIs() throws Exception {
        ClusterTls.Authority ca = ClusterTls.Authority.create("site-a", Instant.now());
        ClusterTls.install(dataDir, ca.certificate(), null, ca.issueNode(List.of("vms2"), List.of(), Instant.now()));

        assertThatThrownBy(() -> ClusterTls.renew(dataDir, Instant.now())).isInstanceOf(PkiException.class)
                .hasMessageContaining("does not hold the cluster CA key").hasMessageContaining("from the peer's tls/");
    }
}
