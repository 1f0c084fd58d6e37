package io.vigil.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The console's certificates in one folder (SPEC §7): {@code cacert.crt}, {@code server.crt},
 * {@code server.key}, and {@code serverCert.crt}, the copy an operator imports into browsers.
 * {@link #create} generates them (with the CA's key in {@code ca.key}, 0600); {@link #check}
 * validates a set, generated or brought by the site (custom PKI).
 */
public final class CertificateSet {
    public static final String CA = "cacert.crt";
    public static final String CA_KEY = "ca.key";
    public static final String SERVER = "server.crt";
    public static final String SERVER_KEY = "server.key";
    public static final String EXPORT = "serverCert.crt";
    /** Certificates this close to their end raise an alarm (SPEC: 30 days ahead). */
    public static final Duration WARN_BEFORE = Duration.ofDays(30);

    /** What {@link #check} found in a valid set. */
    public record Report(List<String> names, Instant notAfter, long daysLeft, boolean expiresSoon) { }

    private CertificateSet() {
    }

    /**
     * Generates a cluster CA and the console's server certificate for {@code hosts} (both nodes'
     * host names and FQDNs) and {@code ips} (the virtual IP), valid five years.
     */
    public static void create(Path dir, String cluster, List<String> hosts, List<String> ips, Clock clock)
            throws IOException, GeneralSecurityException {
        Instant now = clock.instant();
        KeyPair caKey = Pki.newKey();
        X509Certificate ca = Pki.newCa(cluster, caKey, now);
        KeyPair serverKey = Pki.newKey();
        X509Certificate server = Pki.issue(ca, caKey.getPrivate(), serverKey.getPublic(), Pki.Usage.SERVER, hosts, ips,
                now, Pki.CONSOLE_VALIDITY);
        PemFiles.writeKey(dir.resolve(CA_KEY), caKey.getPrivate());
        PemFiles.writeCertificate(dir.resolve(CA), ca);
        PemFiles.writeKey(dir.resolve(SERVER_KEY), serverKey.getPrivate());
        PemFiles.writeCertificate(dir.resolve(SERVER), server, ca);
        PemFiles.writeCertificate(dir.resolve(EXPORT), server);
    }

    /**
     * Validates the set in {@code dir}: the server certificate is signed by the CA, its key
     * matches, it is for a TLS server, valid now, and names every one of {@code mustName}.
     *
     * @throws PkiException the first problem, and what to do about it
     */
    public static Report check(Path dir, List<String> mustName, Clock clock) throws IOException, PkiException {
        for (String f : List.of(CA, SERVER, SERVER_KEY)) {
            if (!Files.exists(dir.resolve(f))) {
                throw new PkiException(dir.resolve(f) + " is missing: a certificate set is " + CA + ", " + SERVER
                        + " and " + SERVER_KEY);
            }
        }
        X509Certificate ca = PemFiles.readCertificates(dir.resolve(CA)).get(0);
        X509Certificate server = PemFiles.readCertificates(dir.resolve(SERVER)).get(0);
        PrivateKey key = PemFiles.readKey(dir.resolve(SERVER_KEY));
        try {
            server.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new PkiException(SERVER + " is not signed by " + CA + " (issuer " + server.getIssuerX500Principal()
                    + ", CA " + ca.getSubjectX500Principal() + "): put the CA that issued it in " + CA);
        }
        if (!keyMatches(key, server)) {
            throw new PkiException(SERVER_KEY + " is not the key of " + SERVER + ": use the key the certificate was"
                    + " requested with");
        }
        Instant now = clock.instant();
        if (now.isAfter(server.getNotAfter().toInstant())) {
            throw new PkiException(SERVER + " expired on " + server.getNotAfter().toInstant() + ": renew it");
        }
        if (now.isBefore(server.getNotBefore().toInstant())) {
            throw new PkiException(SERVER + " is valid only from " + server.getNotBefore().toInstant()
                    + ": check this machine's clock");
        }
        List<String> names = names(server);
        for (String n : mustName) {
            if (names.stream().noneMatch(x -> x.equalsIgnoreCase(n))) {
                throw new PkiException(SERVER + " is not valid for " + n + " (it names " + names + "): browsers would"
                        + " refuse it there; issue it with every node host name, FQDN and the virtual IP");
            }
        }
        long days = Duration.between(now, server.getNotAfter().toInstant()).toDays();
        return new Report(names, server.getNotAfter().toInstant(), days,
                Duration.between(now, server.getNotAfter().toInstant()).compareTo(WARN_BEFORE) < 0);
    }

    private static boolean keyMatches(PrivateKey key, X509Certificate cert) {
        try {
            String alg = key.getAlgorithm().toUpperCase(Locale.ROOT).startsWith("EC") ? "SHA256withECDSA"
                    : "SHA256with" + key.getAlgorithm();
            byte[] probe = "vigil key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The certificate's DNS names and IP addresses. */
    static List<String> names(X509Certificate cert) throws PkiException {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    out.add(String.valueOf(san.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            throw new PkiException(SERVER + " has unreadable subject alternative names: " + e.getMessage());
        }
        return out;
    }
}
