package io.vigil.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client-certificate login to the console (SPEC §7, issue 12): the site's client CA,
 * {@value #FILE} in the console's certificates folder, and the one rule for mapping a certificate
 * to a console user: issued (signed) by that CA, valid now, for TLS clients when it says what it
 * is for, and the user in its subject's common name (the seeds' "name of the user in the Common
 * Name"). The TLS layer trusts only this CA ({@link #trustManagers}); {@link #user} checks again
 * so that the console never relies on the server library's configuration alone.
 */
public final class ClientCertificates {
    public static final String FILE = "clcacert.crt";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_PURPOSE = "2.5.29.37.0";

    private final Path file;
    private final X509Certificate ca;

    private ClientCertificates(Path file, X509Certificate ca) {
        this.file = file;
        this.ca = ca;
    }

    /**
     * Reads the client CA.
     *
     * @throws PkiException the file holds no certificate, or one that is not a CA
     */
    public static ClientCertificates load(Path file) throws IOException, PkiException {
        X509Certificate ca = PemFiles.readCertificates(file).get(0);
        if (ca.getBasicConstraints() < 0) {
            throw new PkiException(file + " is not a CA certificate (no basicConstraints CA:TRUE): put there the"
                    + " certificate of the CA that issues your users' client certificates");
        }
        return new ClientCertificates(file, ca);
    }

    public Path file() {
        return file;
    }

    public X509Certificate ca() {
        return ca;
    }

    /** Trust managers that accept only certificates issued by this CA (never the JDK's default trust store). */
    public TrustManager[] trustManagers() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("client-ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    /**
     * The console user a client's certificate chain logs in.
     *
     * @param chain the chain the client proved in the TLS handshake (its own certificate first)
     * @throws PkiException why the certificate does not log anyone in, in words for the log
     */
    public String user(X509Certificate[] chain, Instant now) throws PkiException {
        if (chain == null || chain.length == 0) {
            throw new PkiException("no client certificate was presented");
        }
        X509Certificate c = chain[0];
        try {
            c.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new PkiException("the client certificate of " + c.getSubjectX500Principal() + " was not issued by "
                    + file + " (issuer " + c.getIssuerX500Principal() + ")");
        }
        if (now.isAfter(c.getNotAfter().toInstant()) || now.isBefore(c.getNotBefore().toInstant())) {
            throw new PkiException("the client certificate of " + c.getSubjectX500Principal() + " is valid only from "
                    + c.getNotBefore().toInstant() + " to " + c.getNotAfter().toInstant());
        }
        if (!forClients(c)) {
            throw new PkiException("the client certificate of " + c.getSubjectX500Principal() + " is not for TLS"
                    + " clients (its extended key usage lacks Client Authentication)");
        }
        return commonName(c);
    }

    private static boolean forClients(X509Certificate c) throws PkiException {
        try {
            List<String> eku = c.getExtendedKeyUsage();
            return eku == null || eku.contains(CLIENT_AUTH) || eku.contains(ANY_PURPOSE);
        } catch (CertificateParsingException e) {
            throw new PkiException("the client certificate's extended key usage is unreadable: " + e.getMessage());
        }
    }

    private static String commonName(X509Certificate c) throws PkiException {
        try {
            List<Rdn> rdns = new LdapName(c.getSubjectX500Principal().getName()).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) { // the most specific (leftmost) CN first
                Rdn rdn = rdns.get(i);
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            throw new PkiException("the client certificate's subject is unreadable: " + e.getMessage());
        }
        throw new PkiException("the client certificate of " + c.getSubjectX500Principal() + " has no common name (CN):"
                + " the console user must be its CN");
    }
}
