package io.vigil.it.net;

import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A browser's view of the console, run inside a lab host's namespace ({@code ip netns exec}):
 * trusts only the certificate setup exported (no system CAs) and keeps the JDK's hostname
 * verification on, logs in as admin, prints {@code GET /api/cluster}, and optionally issues a
 * node command. Output: one line {@code cluster <json>}, then {@code command <status> <json>}.
 *
 * <p>Usage: {@code ConsoleProbe CERT BASE_URL PASSWORD_FILE [NODE_ID COMMAND]}. Exit 0 when every
 * request answered 2xx; a TLS failure (untrusted, wrong name) exits 2 with the exception.
 */
public final class ConsoleProbe {
    private static final Pattern CSRF = Pattern.compile("\"csrfToken\"\\s*:\\s*\"([^\"]+)\"");

    private ConsoleProbe() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[1];
        HttpClient http = HttpClient.newBuilder().sslContext(trustingOnly(Path.of(args[0])))
                .cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
        String password = Files.readAllLines(Path.of(args[2])).get(0);
        HttpResponse<String> login;
        try {
            login = http.send(post(base + "/api/login", "{\"user\":\"admin\",\"password\":\"" + password + "\"}", null),
                    HttpResponse.BodyHandlers.ofString());
        } catch (javax.net.ssl.SSLException e) {
            System.out.println("tls " + e);
            System.exit(2);
            return;
        }
        Matcher m = CSRF.matcher(login.body());
        if (login.statusCode() != 200 || !m.find()) {
            System.out.println("login " + login.statusCode() + " " + login.body());
            System.exit(1);
        }
        HttpResponse<String> cluster = http.send(HttpRequest.newBuilder(URI.create(base + "/api/cluster"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("cluster " + cluster.body());
        boolean ok = cluster.statusCode() == 200;
        if (args.length == 5) {
            HttpResponse<String> c = http.send(post(base + "/api/nodes/" + args[3] + "/commands/" + args[4], "",
                    m.group(1)), HttpResponse.BodyHandlers.ofString());
            System.out.println("command " + c.statusCode() + " " + c.body());
            ok &= c.statusCode() / 100 == 2;
        }
        System.exit(ok ? 0 : 1);
    }

    private static HttpRequest post(String url, String body, String csrf) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return csrf == null ? b.build() : b.header("X-CSRF-Token", csrf).build();
    }

    /** A TLS context whose only trust anchor is {@code cert}: no system CA can vouch for the console. */
    private static SSLContext trustingOnly(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("console", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
