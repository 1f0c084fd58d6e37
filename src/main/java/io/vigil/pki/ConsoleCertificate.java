package io.vigil.pki;

import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The console's HTTPS certificate when the site brings none (issue 12, SPEC §7): issued by this
 * node from the cluster CA ({@link ClusterTls}) at its first start, for both nodes' host names and
 * the addresses the console is reached at (the VIP, the nodes' addresses), valid five years.
 *
 * <p>{@code <dataDir>/console-tls} is a {@link CertificateSet} folder: {@value CertificateSet#SERVER}
 * (chain with the CA), {@value CertificateSet#SERVER_KEY} (0600), {@value CertificateSet#EXPORT}
 * (the copy an operator imports into browsers) and {@value CertificateSet#CA} (the cluster CA;
 * importing it trusts both nodes' consoles at once). It is kept across starts and issued again
 * only when it no longer fits: another cluster CA (the nodes were paired again), a name missing
 * (the VIP changed), or within 30 days of its end.
 */
public final class ConsoleCertificate {
    public static final String DIR = "console-tls";

    /** What {@link #ensure} did. */
    public record Result(Path dir, boolean issued, String reason) {
    }

    private ConsoleCertificate() {
    }

    public static Path dir(Path dataDir) {
        return dataDir.resolve(DIR);
    }

    /**
     * Returns the folder of a usable set for {@code hosts} and {@code ips}, issuing a new one from
     * the cluster CA when there is none or it no longer fits.
     *
     * @throws PkiException the node has no cluster certificates or does not hold the CA key
     */
    public static Result ensure(Path dataDir, List<String> hosts, List<String> ips, Clock clock)
            throws IOException, PkiException {
        Path dir = dir(dataDir);
        String unfit = unfit(dataDir, hosts, ips, clock);
        if (unfit == null) {
            return new Result(dir, false, "");
        }
        ClusterTls.Authority ca = ClusterTls.authority(dataDir);
        try {
            write(dataDir, ca, hosts, ips, clock.instant());
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot issue the console's certificate from the cluster CA: " + e.getMessage());
        }
        return new Result(dir, true, unfit);
    }

    /**
     * Issues a new console certificate now, whatever the current one's end (`vigil cert renew`);
     * the running console reloads it within seconds.
     */
    public static Result renew(Path dataDir, List<String> hosts, List<String> ips, Clock clock)
            throws IOException, PkiException {
        ClusterTls.Authority ca = ClusterTls.authority(dataDir);
        try {
            write(dataDir, ca, hosts, ips, clock.instant());
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot issue the console's certificate from the cluster CA: " + e.getMessage());
        }
        return new Result(dir(dataDir), true, "renewed on request");
    }

    /** Why the current set cannot serve (null: it can). */
    private static String unfit(Path dataDir, List<String> hosts, List<String> ips, Clock clock) throws IOException {
        Path dir = dir(dataDir);
        if (!Files.isRegularFile(dir.resolve(CertificateSet.SERVER))) {
            return "there was none";
        }
        try {
            X509Certificate clusterCa = ClusterTls.load(dataDir).ca();
            X509Certificate ca = PemFiles.readCertificates(dir.resolve(CertificateSet.CA)).get(0);
            if (!ca.equals(clusterCa)) {
                return "it was issued by another cluster CA (the nodes were paired again)";
            }
            CertificateSet.Report r = CertificateSet.check(dir, Stream.concat(hosts.stream(), ips.stream()).toList(),
                    clock);
            return r.expiresSoon() ? "it ends on " + r.notAfter() : null;
        } catch (PkiException e) {
            return e.getMessage();
        }
    }

    private static void write(Path dataDir, ClusterTls.Authority ca, List<String> hosts, List<String> ips, Instant now)
            throws IOException, GeneralSecurityException {
        KeyPair key = Pki.newKey();
        X509Certificate server = Pki.issue(ca.certificate(), ca.key(), key.getPublic(), Pki.Usage.SERVER, hosts, ips,
                now, Pki.CONSOLE_VALIDITY);
        Path fresh = dataDir.resolve(DIR + ".new");
        deleteTree(fresh);
        PrivateFiles.createDirectories(fresh);
        PemFiles.writeKey(fresh.resolve(CertificateSet.SERVER_KEY), key.getPrivate());
        PemFiles.writeCertificate(fresh.resolve(CertificateSet.SERVER), server, ca.certificate());
        PemFiles.writeCertificate(fresh.resolve(CertificateSet.EXPORT), server);
        PemFiles.writeCertificate(fresh.resolve(CertificateSet.CA), ca.certificate());
        Path target = dir(dataDir);
        Path clientCa = target.resolve(ClientCertificates.FILE);
        if (Files.isRegularFile(clientCa, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // The site's client CA is not ours to drop: client-certificate login survives a re-issue.
            Files.copy(clientCa, fresh.resolve(ClientCertificates.FILE));
        }
        // Replaced whole: a start that fails half-way leaves the previous set, never a mix.
        Path old = dataDir.resolve(DIR + ".old");
        deleteTree(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
