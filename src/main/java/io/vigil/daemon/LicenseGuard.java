package io.vigil.daemon;

import io.vigil.license.LicenseStatus;
import io.vigil.license.Licensing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Acts on the license state (SPEC §8). Checked at start and every hour: a change of state is
 * logged; without a valid license once the demo is over, the protected management service (and
 * what depends on it) is stopped on the node that runs the services, once per calendar day
 * (UTC). The operator may start it again ({@code vigil restart}); the next day it is stopped
 * again. Nothing else changes: no failover, no state change of the node.
 */
final class LicenseGuard {
    static final String STAMP_FILE = "license-enforced";

    private final Licensing licensing;
    private final String service;
    private final BooleanSupplier runsServices;
    private final BiFunction<String, String, CompletableFuture<List<String>>> stopService;
    private final Consumer<String> info;
    private final Consumer<String> error;
    private final Path stamp;
    private final Clock clock;
    private volatile LicenseStatus last;

    /**
     * @param service     the management service's resource name; null when there is none to stop
     * @param stopService stops a resource and its dependents ({@code ResourceManager#stopWithDependents})
     */
    LicenseGuard(Licensing licensing, String service, BooleanSupplier runsServices,
                 BiFunction<String, String, CompletableFuture<List<String>>> stopService, Consumer<String> info,
                 Consumer<String> error, Path dataDir, Clock clock) {
        this.licensing = licensing;
        this.service = service;
        this.runsServices = runsServices;
        this.stopService = stopService;
        this.info = info;
        this.error = error;
        this.stamp = dataDir.resolve(STAMP_FILE);
        this.clock = clock;
    }

    /** The state at the last check (null before the first). */
    LicenseStatus last() {
        return last;
    }

    /** One check; never throws (a problem reading the license state is logged and retried next time). */
    void check() {
        LicenseStatus now;
        try {
            now = licensing.status();
        } catch (IOException | RuntimeException e) {
            error.accept("LICENSE: cannot read the license state: " + e.getMessage());
            return;
        }
        LicenseStatus before = last;
        last = now;
        if (before == null || before.kind() != now.kind()) {
            (now.enforced() ? error : info).accept((now.enforced() ? "LICENSE: " : "license: ") + now.message());
        }
        if (now.enforced() && service != null && runsServices.getAsBoolean() && !stoppedToday()) {
            enforce(now);
        }
    }

    private void enforce(LicenseStatus status) {
        try {
            markStoppedToday();
        } catch (IOException e) {
            // Without the mark the service would be stopped at every check: better not at all today.
            error.accept("LICENSE: cannot record the daily stop in " + stamp + " (" + e.getMessage()
                    + "); the management service is left running");
            return;
        }
        stopService.apply(service, "no valid license").whenComplete((stopped, failure) -> {
            if (failure != null) {
                error.accept("LICENSE: stopping " + service + " failed: " + failure.getMessage());
            } else {
                error.accept("LICENSE: stopped " + String.join(", ", stopped) + " for today: " + status.message()
                        + ". Start it again with `vigil restart`");
            }
        });
    }

    private boolean stoppedToday() {
        try {
            return Files.exists(stamp) && Files.readString(stamp).trim().equals(today().toString());
        } catch (IOException e) {
            return false;
        }
    }

    private void markStoppedToday() throws IOException {
        io.vigil.security.PrivateFiles.writeString(stamp, today() + "\n");
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
