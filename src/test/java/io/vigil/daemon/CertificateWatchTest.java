package io.vigil.daemon;

import io.vigil.pki.CertificateSet;
import io.vigil.pki.Pki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §7: certificates near expiry raise an alarm 30 days ahead. */
class CertificateWatchTest {
    private static final Instant MADE = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path dir;

    private List<String> checkAt(Instant when) {
        List<String> alarms = new ArrayList<>();
        new CertificateWatch(dir.resolve(CertificateSet.SERVER), alarms::add, Clock.fixed(when, ZoneOffset.UTC)).check();
        return alarms;
    }

    @Test
    void silentWhileFarFromTheEndThenAnAlarmWithin30DaysThenExpired() throws Exception {
        CertificateSet.create(dir, "c", List.of("vms1", "vms2"), List.of(), Clock.fixed(MADE, ZoneOffset.UTC));
        assertThat(checkAt(MADE.plus(Duration.ofDays(365)))).isEmpty();
        assertThat(checkAt(MADE.plus(Pki.CONSOLE_VALIDITY).minus(Duration.ofDays(10)))).singleElement().asString()
                .startsWith("CERTIFICATE: the console certificate").contains("(in 10 days)").contains("renew it");
        assertThat(checkAt(MADE.plus(Pki.CONSOLE_VALIDITY).plus(Duration.ofDays(1)))).singleElement().asString()
                .contains("expired on");
    }

    /**
     * Issue 12 item 2: the console's and the node's cluster certificate, on an injected clock: the
     * alarm goes to the log and the event server's alarm path once a day, stays in the status while
     * it lasts, and a renewal (`vigil cert renew`'s ClusterTls.renew) clears it.
     */
    @Test
    void theConsoleAndNodeCertificatesRaiseAnAlarmOnceADayUntilRenewed() throws Exception {
        Path data = dir.resolve("node1");
        io.vigil.pki.ClusterTls.Authority ca = io.vigil.pki.ClusterTls.Authority.create("c", MADE);
        io.vigil.pki.ClusterTls.install(data, ca.certificate(), ca.key(),
                ca.issueNode(List.of("node1"), List.of("127.0.0.1"), MADE));
        Path console = dir.resolve("pki");
        CertificateSet.create(console, "c", List.of("vms1"), List.of(), Clock.fixed(MADE, ZoneOffset.UTC));
        Instant[] now = {MADE.plus(Duration.ofDays(400))};
        List<String> log = new ArrayList<>();
        List<io.vigil.core.Effect.Alarm> alarms = new ArrayList<>();
        CertificateWatch watch = new CertificateWatch(List.of(
                CertificateWatch.console(console.resolve(CertificateSet.SERVER), "vigil cert renew"),
                new CertificateWatch.Watched("this node's cluster certificate",
                        io.vigil.pki.ClusterTls.dir(data).resolve(io.vigil.pki.ClusterTls.NODE), "vigil cert renew")),
                log::add, alarms::add, new Clock() {
                    @Override
                    public java.time.ZoneId getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId zone) {
                        return this;
                    }

                    @Override
                    public Instant instant() {
                        return now[0];
                    }
                });

        watch.check();
        assertThat(log).isEmpty();
        assertThat(watch.warnings()).isEmpty();

        now[0] = MADE.plus(Pki.CONSOLE_VALIDITY).minus(Duration.ofDays(20));
        watch.check();
        assertThat(log).hasSize(2).allMatch(l -> l.startsWith("CERTIFICATE: ") && l.contains("(in 20 days)"));
        assertThat(alarms).extracting(io.vigil.core.Effect.Alarm::code).containsExactly(CertificateWatch.ALARM,
                CertificateWatch.ALARM);
        assertThat(alarms.get(1).message()).startsWith("this node's cluster certificate").contains("vigil cert renew");
        assertThat(watch.warnings()).hasSize(2);

        now[0] = now[0].plus(Duration.ofHours(1));
        watch.check();
        assertThat(log).hasSize(2); // said once a day, not at every check
        assertThat(watch.warnings()).hasSize(2);

        io.vigil.pki.ClusterTls.renew(data, now[0]);
        now[0] = now[0].plus(Duration.ofDays(1));
        watch.check();
        assertThat(watch.warnings()).singleElement().asString().startsWith("the console certificate");
        assertThat(log).hasSize(3);
    }

    @Test
    void anUnreadableCertificateIsSaidNotThrown() throws Exception {
        Files.writeString(dir.resolve(CertificateSet.SERVER), "garbage");
        assertThat(checkAt(MADE)).singleElement().asString().contains("cannot read the console certificate");
    }
}
