package io.vigil.setup;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** PEM text to and from objects, for what pairing carries; the same format as {@code io.vigil.pki.PemFiles}. */
final class Pem {
    private Pem() {
    }

    static X509Certificate certificate(String pem, String what) throws SetupException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SetupException("node 1 sent a damaged " + what + ": run both setup steps again");
        }
    }

    static PrivateKey key(String pem, String what) throws SetupException {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            if (p.readObject() instanceof PrivateKeyInfo info) {
                return new JcaPEMKeyConverter().getPrivateKey(info);
            }
        } catch (IOException | RuntimeException e) {
            // falls through to the refusal below
        }
        throw new SetupException("node 1 sent a damaged " + what + ": run both setup steps again");
    }

    static String of(Object certificateOrKey) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(certificateOrKey instanceof PrivateKey k ? new JcaPKCS8Generator(k, null) : certificateOrKey);
        }
        return s.toString();
    }
}
