package io.vigil.daemon;

import io.vigil.core.Effect;
import io.vigil.pki.CertificateSet;
import io.vigil.pki.PemFiles;
import io.vigil.pki.PkiException;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Raises an alarm when a certificate is within 30 days of its end (SPEC §7, issue 12): the
 * console's, and this node's cluster certificate (admin channel, replication, PostgreSQL), so they
 * are renewed (`vigil cert renew`) before browsers or the peer refuse them. The alarm goes to the
 * module log ({@code CERTIFICATE:} line), to the event server's alarm path ({@code ALARM
 * CERTIFICATE_EXPIRES}) and into `vigil status` and the console as a warning while it lasts. It is
 * checked often (a renewal clears the warning within one check) but logged and sent once a day.
 */
final class CertificateWatch {
    static final String ALARM = "CERTIFICATE_EXPIRES";
    private static final Duration REPEAT = Duration.ofDays(1);

    /** One certificate to watch: what it is, in words for the operator, and how to renew it. */
    record Watched(String what, Path file, String renew) {
    }

    private final List<Watched> watched;
    private final Consumer<String> error;
    private final Consumer<Effect.Alarm> alarm;
    private final Clock clock;
    private final Map<Path, Instant> lastSaid = new HashMap<>();
    private volatile List<String> warnings = List.of();

    CertificateWatch(List<Watched> watched, Consumer<String> error, Consumer<Effect.Alarm> alarm, Clock clock) {
        this.watched = List.copyOf(watched);
        this.error = error;
        this.alarm = alarm;
        this.clock = clock;
    }

    /** The console certificate alone, alarms to the log only. */
    CertificateWatch(Path certificate, Consumer<String> error, Clock clock) {
        this(List.of(console(certificate, "bin/vigil cert create, or your CA")), error, a -> { }, clock);
    }

    static Watched console(Path certificate, String renew) {
        return new Watched("the console certificate", certificate, renew);
    }

    /** The problems of the last check, for `vigil status` and the console (empty: none). */
    List<String> warnings() {
        return warnings;
    }

    /** One check of every certificate; logs and alarms only when something needs doing. Never throws. */
    synchronized void check() {
        Instant now = clock.instant();
        List<String> found = new ArrayList<>();
        for (Watched w : watched) {
            String problem = problem(w, now);
            if (problem == null) {
                lastSaid.remove(w.file());
                continue;
            }
            found.add(problem);
            Instant said = lastSaid.get(w.file());
            if (said == null || !now.isBefore(said.plus(REPEAT))) {
                lastSaid.put(w.file(), now);
                error.accept("CERTIFICATE: " + problem);
                alarm.accept(new Effect.Alarm(ALARM, problem));
            }
        }
        warnings = List.copyOf(found);
    }

    private static String problem(Watched w, Instant now) {
        try {
            X509Certificate c = PemFiles.readCertificates(w.file()).get(0);
            Instant end = c.getNotAfter().toInstant();
            Duration left = Duration.between(now, end);
            if (left.isNegative()) {
                return w.what() + " " + w.file() + " expired on " + end + ": it is refused; renew it (" + w.renew()
                        + ")";
            }
            if (left.compareTo(CertificateSet.WARN_BEFORE) < 0) {
                return w.what() + " " + w.file() + " expires on " + end + " (in " + left.toDays() + " days): renew it ("
                        + w.renew() + ") before then";
            }
            return null;
        } catch (IOException | PkiException | RuntimeException e) {
            return "cannot read " + w.what() + " " + w.file() + ": " + e.getMessage();
        }
    }
}
