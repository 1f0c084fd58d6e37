package io.vigil.pki;

import io.vigil.security.PrivateFiles;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM files of certificates (world-readable) and private keys (0600, PKCS#8, unencrypted). */
public final class PemFiles {
    private PemFiles() {
    }

    public static void writeCertificate(Path file, X509Certificate... chain) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            for (X509Certificate c : chain) {
                w.writeObject(c);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, s.toString());
    }

    public static void writeKey(Path file, PrivateKey key) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(new JcaPKCS8Generator(key, null));
        }
        PrivateFiles.writeString(file, s.toString());
    }

    /** Every certificate in {@code file}, in order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, PkiException {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new PkiException(file + " holds a damaged certificate: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new PkiException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    public static PrivateKey readKey(Path file) throws IOException, PkiException {
        try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
            Object o = p.readObject();
            JcaPEMKeyConverter c = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return c.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return c.getKeyPair(pair).getPrivate();
            }
            throw new PkiException(file + " holds no unencrypted private key (-----BEGIN PRIVATE KEY-----); an"
                    + " encrypted key must be decrypted first (openssl pkey -in KEY -out KEY.plain)");
        } catch (IOException | RuntimeException e) {
            throw new PkiException(file + " holds a damaged private key: " + e.getMessage());
        }
    }
}
