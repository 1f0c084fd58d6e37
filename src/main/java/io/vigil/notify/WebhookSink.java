package io.vigil.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.NotificationsSection;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A webhook: one JSON POST per event (the {@link ClusterEvent} as is). The receiver checks
 * {@code X-Vigil-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">} with the shared secret
 * and may refuse a {@code X-Vigil-Timestamp} that is too old (replay); {@code X-Vigil-Event-Id}
 * lets it keep an event delivered twice (an answer lost on the way) once. Any 2xx is delivered;
 * anything else, or no answer, is retried. Redirects are not followed: the signature is for
 * the configured receiver only.
 */
final class WebhookSink implements Sink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NotificationsSection.Webhook config;
    private final byte[] secret;
    private final HttpClient http;

    WebhookSink(NotificationsSection.Webhook config) throws IOException {
        this.config = config;
        try {
            this.secret = Files.readString(config.secretFile(), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("notifications.webhooks: cannot read the secret file " + config.secretFile() + " ("
                    + e.getMessage() + ")", e);
        }
        if (secret.length < 16) {
            throw new IOException("notifications.webhooks: the secret in " + config.secretFile()
                    + " is shorter than 16 characters; write a long random one (e.g. openssl rand -hex 32)");
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.timeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return "webhook " + config.url().getScheme() + "://" + config.url().getAuthority() + config.url().getPath();
    }

    @Override
    public int deliver(List<ClusterEvent> events) throws IOException, InterruptedException {
        return Sink.oneByOne(events, this::post);
    }

    private void post(ClusterEvent e) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(e);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(config.url()).timeout(Duration.ofMillis(config.timeoutMs()))
                .header("Content-Type", "application/json")
                .header("User-Agent", "vigil-notifier")
                .header("X-Vigil-Event-Id", e.eventId())
                .header("X-Vigil-Timestamp", timestamp)
                .header("X-Vigil-Signature", "v1=" + sign(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<Void> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException ex) {
            throw new IOException("cannot reach it (" + ex.getClass().getSimpleName()
                    + (ex.getMessage() == null ? "" : ": " + ex.getMessage()) + ")", ex);
        }
        if (r.statusCode() / 100 != 2) {
            throw new IOException("it answered HTTP " + r.statusCode());
        }
    }

    /** The signature a receiver recomputes: hex HMAC-SHA256 over {@code timestamp + "." + body}. */
    static String sign(byte[] secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", ex);
        }
    }
}
