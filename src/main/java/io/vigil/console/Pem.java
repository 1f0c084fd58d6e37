package io.vigil.console;

import io.vigil.config.ConfigException;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * The console's TLS context from the PEM files setup writes (SPEC §7: {@code server.crt},
 * {@code server.key}): a certificate chain and an unencrypted PKCS#8 private key (RSA or EC).
 * Every failure names the configuration key and says how to produce a usable file.
 */
final class Pem {

    private Pem() {
    }

    static SSLContext context(Path configFile, Path certificate, Path key) throws ConfigException {
        return context(configFile, certificate, key, null);
    }

    /** @param clientTrust who may prove a client certificate (the client CA), or null when none is asked for */
    static SSLContext context(Path configFile, Path certificate, Path key, javax.net.ssl.TrustManager[] clientTrust)
            throws ConfigException {
        Certificate[] chain = chain(configFile, certificate);
        PrivateKey privateKey = key(configFile, key);
        try {
            char[] pass = new char[16];
            SecureRandom r = new SecureRandom();
            for (int i = 0; i < pass.length; i++) {
                pass[i] = (char) ('a' + r.nextInt(26));
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("console", privateKey, pass, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            SSLContext ctx = SSLContext.getInstance("TLS");
            // Never null trust managers with a client CA: that would mean the JDK's default trust store.
            ctx.init(kmf.getKeyManagers(), clientTrust, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(configFile, "console.privateKey", "the key does not match the certificate or "
                    + "cannot be used for TLS (" + e.getClass().getSimpleName() + ")",
                    "Use the key the certificate was issued for");
        }
    }

    private static Certificate[] chain(Path configFile, Path file) throws ConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            return certs.toArray(new Certificate[0]);
        } catch (IOException e) {
            throw new ConfigException(configFile, "console.certificate", "cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")", "Check that the file exists and the vigil user can read it");
        } catch (CertificateException e) {
            throw new ConfigException(configFile, "console.certificate", file + " holds no PEM certificate",
                    "Give the server certificate in PEM form (-----BEGIN CERTIFICATE-----), chain after it");
        }
    }

    private static PrivateKey key(Path configFile, Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(configFile, "console.privateKey", "cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")", "Check that the file exists and only the vigil user can read it");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new ConfigException(configFile, "console.privateKey", file + " is not an unencrypted PKCS#8 PEM key",
                    "Convert it: openssl pkcs8 -topk8 -nocrypt -in server.key -out server-pkcs8.key");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(configFile, "console.privateKey", file + " is not valid base64 PEM",
                    "Write the key file again");
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException wrongType) {
                // try the next algorithm
            }
        }
        throw new ConfigException(configFile, "console.privateKey", file + " holds a key of an unsupported type",
                "Use an RSA or EC (P-256) key");
    }
}
