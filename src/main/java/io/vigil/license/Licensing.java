package io.vigil.license;

import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A node's license state (SPEC §8): the license file installed in its data folder, checked
 * against the vendor's public key, both nodes' host names and today's date; otherwise a 3-day
 * demo counted from the node's first configuration ({@code demo-started}, written once).
 */
public final class Licensing {
    /** The demo lasts three days from configuration. */
    public static final int DEMO_DAYS = 3;
    public static final String LICENSE_FILE = "license.json";
    static final String DEMO_FILE = "demo-started";

    private final Path dataDir;
    private final PublicKey vendorKey;
    private final Clock clock;
    private final String thisHost;
    private final String peerHost;

    public Licensing(Path dataDir, PublicKey vendorKey, Clock clock, String thisHost, String peerHost) {
        this.dataDir = dataDir;
        this.vendorKey = vendorKey;
        this.clock = clock;
        this.thisHost = thisHost;
        this.peerHost = peerHost;
    }

    /**
     * Checks {@code file} as this node would use it.
     *
     * @throws LicenseException what is wrong: signature, host names, dates
     */
    public License check(byte[] file) throws LicenseException {
        License l = LicenseCodec.decode(file, vendorKey);
        for (String host : new String[] {thisHost, peerHost}) {
            if (!l.names(host)) {
                throw new LicenseException("the license is for hosts " + l.hosts() + ", not for " + host
                        + " (this cluster is " + thisHost + " and " + peerHost + "): ask for a license naming both"
                        + " nodes' host names");
            }
        }
        LocalDate today = today();
        if (l.issued().isAfter(today.plusDays(1))) {
            throw new LicenseException("the license is issued on " + l.issued() + ", after today (" + today
                    + "): check this node's clock");
        }
        if (l.expires() != null && l.expires().isBefore(today)) {
            throw new LicenseException("the license expired on " + l.expires() + ": ask the vendor to renew it");
        }
        return l;
    }

    /**
     * Installs {@code file} after checking it; the old license stays when the new one is refused.
     *
     * @throws LicenseException the file is not a license for this cluster today
     */
    public License apply(byte[] file) throws LicenseException, IOException {
        License l = check(file);
        Path tmp = dataDir.resolve(LICENSE_FILE + ".new");
        PrivateFiles.writeString(tmp, new String(file, java.nio.charset.StandardCharsets.UTF_8));
        Files.move(tmp, dataDir.resolve(LICENSE_FILE), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        return l;
    }

    /** The state now; starts the demo period if this is the node's first look. */
    public LicenseStatus status() throws IOException {
        LocalDate demoEnds = demoStarted().atOffset(ZoneOffset.UTC).toLocalDate().plusDays(DEMO_DAYS);
        String problem;
        Path file = dataDir.resolve(LICENSE_FILE);
        if (Files.exists(file)) {
            try {
                License l = check(LicenseCodec.read(file));
                return new LicenseStatus(LicenseStatus.Kind.LICENSED, "licensed to " + l.licensee() + " ("
                        + l.id() + "), " + (l.expires() == null ? "no end date" : "valid until " + l.expires()), l,
                        demoEnds);
            } catch (LicenseException e) {
                problem = "the installed license cannot be used: " + e.getMessage();
            }
        } else {
            problem = "no license installed";
        }
        if (!today().isAfter(demoEnds)) {
            return new LicenseStatus(LicenseStatus.Kind.DEMO, "demo until " + demoEnds + " (" + problem
                    + "); apply a license with: vigil license apply FILE", null, demoEnds);
        }
        return new LicenseStatus(LicenseStatus.Kind.UNLICENSED, "the demo ended on " + demoEnds + " and " + problem
                + ": the management service is stopped once a day until a license is applied (vigil license apply"
                + " FILE, on both nodes)", null, demoEnds);
    }

    /** When the demo started: the first time this node looked, recorded once. */
    Instant demoStarted() throws IOException {
        Path f = dataDir.resolve(DEMO_FILE);
        if (Files.exists(f)) {
            String text = Files.readString(f).trim();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IOException(f + " does not hold a time ('" + text + "'); it records when the demo"
                        + " started: restore it, or apply a license");
            }
        }
        Instant now = clock.instant();
        PrivateFiles.writeString(f, now + "\n");
        return now;
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
