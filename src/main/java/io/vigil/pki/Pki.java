package io.vigil.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The cluster's certificates (SPEC §7), made with BouncyCastle (no cryptography written here):
 * a cluster CA, and certificates it issues for the console (server) and for the nodes (server
 * and client, for mutually authenticated TLS). Keys are ECDSA P-256, signatures SHA-256.
 */
public final class Pki {
    /** The console's certificate is valid five years (SPEC §7). */
    public static final Duration CONSOLE_VALIDITY = Duration.ofDays(5 * 365 + 1);
    /** The CA outlives what it issues, so a renewal never needs a new CA. */
    public static final Duration CA_VALIDITY = Duration.ofDays(10 * 365 + 2);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What an issued certificate is for. */
    public enum Usage {
        /** TLS server only: the console. */
        SERVER,
        /** TLS server and client: a node on the admin channel, replication and PostgreSQL. */
        NODE
    }

    private Pki() {
    }

    public static KeyPair newKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** A self-signed CA certificate for cluster {@code cluster}. */
    public static X509Certificate newCa(String cluster, KeyPair key, Instant now) throws GeneralSecurityException {
        X500Name name = name("Vigil cluster CA " + cluster);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), from(now),
                    Date.from(now.plus(CA_VALIDITY)), name, key.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key.getPublic()));
            return sign(b, key.getPrivate());
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot build the CA certificate", e);
        }
    }

    /**
     * Issues a certificate for {@code subjectKey}, signed by the CA.
     *
     * @param dnsNames host names and FQDNs it is valid for (the first is also its common name)
     * @param ips      IPv4 addresses it is valid for (the virtual IP)
     */
    public static X509Certificate issue(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey, Usage usage,
                                        List<String> dnsNames, List<String> ips, Instant now, Duration validity)
            throws GeneralSecurityException {
        if (dnsNames.isEmpty() && ips.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one host name or address");
        }
        List<GeneralName> sans = new ArrayList<>();
        dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
        ips.forEach(i -> sans.add(new GeneralName(GeneralName.iPAddress, i)));
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
            notAfter = ca.getNotAfter().toInstant(); // never valid longer than its issuer
        }
        KeyPurposeId[] purposes = usage == Usage.SERVER ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth}
                : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth};
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), from(now), Date.from(notAfter),
                    name(dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0)), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            return sign(b, caKey);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot build the certificate", e);
        }
    }

    /**
     * Issues a client certificate for console user {@code user} (its common name; SPEC §7), for TLS
     * clients only: what a site's client CA ({@code clcacert.crt}) gives its operators.
     */
    public static X509Certificate issueClient(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey, String user,
                                              Instant now, Duration validity) throws GeneralSecurityException {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), from(now),
                    Date.from(now.plus(validity)), name(user), subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            return sign(b, caKey);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot build the client certificate", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with the CA key", e);
        }
    }

    private static X500Name name(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Vigil").addRDN(BCStyle.CN, cn).build();
    }

    /** A minute back: a peer whose clock is slightly behind must not see it as not yet valid. */
    private static Date from(Instant now) {
        return Date.from(now.minusSeconds(60));
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
