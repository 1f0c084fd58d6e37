package io.vigil.checker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Ok when a GET of the URL answers exactly {@code expectStatus} within the timeout (keepalived HTTP_GET). */
public final class HttpProbe implements Probe {

    private final URI uri;
    private final int expectStatus;
    private final Duration timeout;
    private final HttpClient client;

    public HttpProbe(String url, int expectStatus, long timeoutMs) {
        this.uri = URI.create(url);
        this.expectStatus = expectStatus;
        this.timeout = Duration.ofMillis(timeoutMs);
        // Redirects are not followed: a service answering 302 to a health URL is misconfigured.
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public ProbeResult probe() {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == expectStatus) {
                return ProbeResult.ok("GET " + uri + " -> " + status);
            }
            return ProbeResult.failed("GET " + uri + " -> " + status + ", expected " + expectStatus);
        } catch (IOException e) {
            return ProbeResult.failed("GET " + uri + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.failed("GET " + uri + " interrupted");
        }
    }
}
