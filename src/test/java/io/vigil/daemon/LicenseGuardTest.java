package io.vigil.daemon;

import io.vigil.license.License;
import io.vigil.license.LicenseCodec;
import io.vigil.license.LicenseStatus;
import io.vigil.license.Licensing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC §8: after the demo, without a license, the management service is stopped once a day. */
class LicenseGuardTest {
    private static final Instant SETUP = Instant.parse("2026-12-07T10:00:00Z");
    private static final long DAY = 86_400;

    @TempDir
    Path dataDir;

    private final List<String> stops = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();
    private final Instant[] now = {SETUP};
    private boolean running = true;
    private KeyPair vendor;

    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now[0];
        }
    };

    @BeforeEach
    void vendorKey() throws Exception {
        vendor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private Licensing licensing() {
        return new Licensing(dataDir, vendor.getPublic(), clock, "vms1", "vms2");
    }

    private LicenseGuard guard() {
        return new LicenseGuard(licensing(), "mgmt", () -> running, (name, why) -> {
            stops.add(name + " (" + why + ")");
            return CompletableFuture.completedFuture(List.of("event", name));
        }, infos::add, errors::add, dataDir, clock);
    }

    @Test
    void duringTheDemoNothingIsStopped() {
        LicenseGuard g = guard();
        g.check();
        now[0] = SETUP.plusSeconds(3 * DAY);
        g.check();
        assertThat(stops).isEmpty();
        assertThat(g.last().kind()).isEqualTo(LicenseStatus.Kind.DEMO);
        assertThat(infos).singleElement().asString().startsWith("license: demo until 2026-12-10");
    }

    @Test
    void afterTheDemoTheServiceIsStoppedOnceADayOnTheNodeRunningTheServices() {
        LicenseGuard g = guard();
        g.check(); // the node is configured: the demo starts
        now[0] = SETUP.plusSeconds(4 * DAY);
        g.check();
        g.check();
        now[0] = now[0].plusSeconds(3600);
        g.check();
        assertThat(stops).containsExactly("mgmt (no valid license)");
        assertThat(errors).anyMatch(e -> e.startsWith("LICENSE: stopped event, mgmt for today: the demo ended on"
                + " 2026-12-10") && e.endsWith("Start it again with `vigil restart`"));
        now[0] = now[0].plusSeconds(DAY);
        g.check();
        assertThat(stops).hasSize(2);
        // A restarted daemon the same day does not stop it again.
        guard().check();
        assertThat(stops).hasSize(2);
    }

    @Test
    void theNodeThatDoesNotRunTheServicesStopsNothing() {
        guard().check();
        now[0] = SETUP.plusSeconds(5 * DAY);
        running = false;
        guard().check();
        assertThat(stops).isEmpty();
        assertThat(errors).anyMatch(e -> e.startsWith("LICENSE: the demo ended"));
    }

    @Test
    void aLicenseAppliedAfterTheDemoEndsTheStops() throws Exception {
        LicenseGuard g = guard();
        g.check();
        now[0] = SETUP.plusSeconds(5 * DAY);
        licensing().apply(LicenseCodec.encode(new License("L-1", "ACME", List.of("vms1", "vms2"),
                LocalDate.of(2026, 12, 1), null), vendor.getPrivate()));
        g.check();
        assertThat(stops).isEmpty();
        assertThat(g.last().kind()).isEqualTo(LicenseStatus.Kind.LICENSED);
    }
}
