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

    @Test
    void anUnreadableCertificateIsSaidNotThrown() throws Exception {
        Files.writeString(dir.resolve(CertificateSet.SERVER), "garbage");
        assertThat(checkAt(MADE)).singleElement().asString().contains("cannot read the console certificate");
    }
}
