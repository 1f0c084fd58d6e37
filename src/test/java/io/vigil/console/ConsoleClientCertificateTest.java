package io.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClientCertificates;
import io.vigil.pki.PemFiles;
import io.vigil.pki.Pki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * SPEC §7, issue 12 item 1: {@code clcacert.crt} beside the console's certificate turns on
 * client-certificate login. Real node daemons, real HTTPS, Java's HTTP client presenting real
 * client certificates (the server's host name verified).
 */
class ConsoleClientCertificateTest {

    private final Path dir = Path.of("target/console-client-cert").toAbsolutePath();

    /** A CA of the site's users and its key. */
    private record Ca(X509Certificate certificate, PrivateKey key) {
        static Ca create(String name) throws Exception {
            KeyPair k = Pki.newKey();
            return new Ca(Pki.newCa(name, k, Instant.now()), k.getPrivate());
        }

        /** A client whose certificate names {@code user} and which trusts the console's CA. */
        HttpClient client(String user, Path serverCa) throws Exception {
            KeyPair k = Pki.newKey();
            X509Certificate c = Pki.issueClient(certificate, key, k.getPublic(), user, Instant.now(), Duration.ofDays(1));
            return https(serverCa, k.getPrivate(), c);
        }
    }

    @Test
    void aCertificateOfTheClientCaLogsInAsItsCnWhileOthersAreRefusedAndPasswordsStillWork() throws Exception {
        Path pki = freshPki("with-clca");
        Ca users = Ca.create("users");
        PemFiles.writeCertificate(pki.resolve(ClientCertificates.FILE), users.certificate());
        try (OneNode node = OneNode.start(dir.resolve("with-clca/node"), consoleTls(pki), "https")) {
            Path serverCa = pki.resolve(CertificateSet.CA);

            HttpClient admin = users.client("admin", serverCa);
            HttpResponse<String> session = get(admin, node.base + "/api/session", null);
            assertThat(session.statusCode()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(session.body());
            assertThat(body.get("user").asText()).isEqualTo("admin");
            String cookie = session.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).startsWith(Sessions.COOKIE + "=").contains("; Secure").contains("HttpOnly");
            // The session works like a password one: a state-changing request with its CSRF token.
            HttpResponse<String> logout = send(admin, HttpRequest.newBuilder(URI.create(node.base + "/api/logout"))
                    .header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                    .header(Auth.CSRF_HEADER, body.get("csrfToken").asText())
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(logout.statusCode()).isEqualTo(200);
            // A cross-site POST carries the certificate but no token: refused.
            assertThat(send(admin, HttpRequest.newBuilder(URI.create(node.base + "/api/nodes/1/commands/stop"))
                    .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(403);

            HttpResponse<String> bob = get(users.client("bob", serverCa), node.base + "/api/session", null);
            assertThat(bob.statusCode()).isEqualTo(401);

            Ca other = Ca.create("another");
            assertThat(refused(other.client("admin", serverCa), node.base + "/api/session")).isTrue();

            HttpClient noCertificate = https(serverCa, null, null);
            assertThat(get(noCertificate, node.base + "/api/session", null).statusCode()).isEqualTo(401);
            assertThat(send(noCertificate, HttpRequest.newBuilder(URI.create(node.base + "/api/login"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + node.password
                            + "\"}"))).statusCode()).isEqualTo(200);

            String log = node.moduleLog();
            assertThat(log).contains("console: admin logged in from 127.0.0.1 with a client certificate (CN=admin, O=Vigil");
            assertThat(log).contains("it names user 'bob' (its CN); the console's user is 'admin'");
        }
    }

    @Test
    void withoutAClientCaNoCertificateLogsIn() throws Exception {
        Path pki = freshPki("without-clca");
        try (OneNode node = OneNode.start(dir.resolve("without-clca/node"), consoleTls(pki), "https")) {
            HttpClient admin = Ca.create("users").client("admin", pki.resolve(CertificateSet.CA));
            assertThat(get(admin, node.base + "/api/session", null).statusCode()).isEqualTo(401);
            assertThat(node.moduleLog()).doesNotContain("client certificate");
        }
    }

    /**
     * A certificate of another CA, sent anyway: the TLS layer trusts only clcacert.crt, so the
     * handshake fails (the JDK server refuses a chain it cannot verify even when it only asked for one).
     */
    private static boolean refused(HttpClient client, String url) {
        try {
            get(client, url, null);
            return false;
        } catch (Exception handshake) {
            return handshake instanceof java.io.IOException;
        }
    }

    private Path freshPki(String name) throws Exception {
        Path root = dir.resolve(name);
        io.vigil.demo.LocalCluster.deleteTree(root);
        Path pki = root.resolve("pki");
        CertificateSet.create(pki, "apitest", List.of("localhost"), List.of("127.0.0.1"), Clock.systemUTC());
        return pki;
    }

    private static String consoleTls(Path pki) {
        return "  certificate: " + pki.resolve(CertificateSet.SERVER) + "\n  privateKey: "
                + pki.resolve(CertificateSet.SERVER_KEY) + "\n";
    }

    static HttpResponse<String> get(HttpClient c, String url, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return send(c, b.GET());
    }

    static HttpResponse<String> send(HttpClient c, HttpRequest.Builder b) throws Exception {
        return c.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Trusts only {@code serverCa}; presents {@code cert} when given. */
    static HttpClient https(Path serverCa, PrivateKey key, X509Certificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemFiles.readCertificates(serverCa).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (key != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, "pw".toCharArray(), new Certificate[] {cert});
            kmf = KeyManagerFactory.getInstance("SunX509"); // plain aliases, as Insisting names them
            kmf.init(keys, "pw".toCharArray());
        }
        // Insisting: the JDK client would not send a certificate whose issuer the server did not
        // list; a hostile client does, and the server must refuse it itself.
        javax.net.ssl.KeyManager[] km = kmf == null ? null : new javax.net.ssl.KeyManager[] {
                new io.vigil.bench.FuzzTls.Insisting((javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0],
                        "client")};
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(km, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
