package io.vigil.daemon;

import io.vigil.pki.CertificateSet;
import io.vigil.pki.PemFiles;
import io.vigil.pki.PkiException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Raises an alarm in the module log when the console's certificate is within 30 days of its end
 * (SPEC §7), at start and once a day after, so it is renewed before browsers refuse it.
 */
final class CertificateWatch {
    private final Path certificate;
    private final Consumer<String> error;
    private final Clock clock;

    CertificateWatch(Path certificate, Consumer<String> error, Clock clock) {
        this.certificate = certificate;
        this.error = error;
        this.clock = clock;
    }

    /** One check; logs only when something needs doing. Never throws. */
    void check() {
        try {
            X509Certificate c = PemFiles.readCertificates(certificate).get(0);
            Instant end = c.getNotAfter().toInstant();
            Duration left = Duration.between(clock.instant(), end);
            if (left.isNegative()) {
                error.accept("CERTIFICATE: the console certificate " + certificate + " expired on " + end
                        + ": browsers refuse it; renew it (bin/vigil cert create, or your CA) and restart the node");
            } else if (left.compareTo(CertificateSet.WARN_BEFORE) < 0) {
                error.accept("CERTIFICATE: the console certificate " + certificate + " expires on " + end + " (in "
                        + left.toDays() + " days): renew it (bin/vigil cert create, or your CA) before then");
            }
        } catch (IOException | PkiException | RuntimeException e) {
            error.accept("CERTIFICATE: cannot read the console certificate " + certificate + ": " + e.getMessage());
        }
    }
}
