package io.vigil.console;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * One request and its answer, written in blocking style on a console pool thread. Wraps Jetty's
 * core request and response so the API code does not depend on the server library, and tells
 * {@link ConnectionGuard} when the handler waits on the client (reading the body), so a client
 * that sends its body a byte at a time is cut off like one that sends its headers that way.
 */
final class Exchange {

    private final Request request;
    private final Response response;
    private final ConnectionGuard.Watch watch;
    private OutputStream body;

    Exchange(Request request, Response response, ConnectionGuard.Watch watch) {
        this.request = request;
        this.response = response;
        this.watch = watch;
    }

    String method() {
        return request.getMethod();
    }

    /** The decoded path; Jetty has already refused ambiguous encodings ({@code %2F}, {@code ..}). */
    String path() {
        return request.getHttpURI().getDecodedPath();
    }

    /** The query string as sent (still %-encoded), or null. */
    String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    List<String> headers(String name) {
        return request.getHeaders().getValuesList(name);
    }

    /** The certificate chain the client proved in the TLS handshake, or null (plain HTTP, or none sent). */
    java.security.cert.X509Certificate[] clientCertificates() {
        org.eclipse.jetty.io.EndPoint.SslSessionData tls =
                request.getConnectionMetaData().getConnection().getEndPoint().getSslSessionData();
        return tls == null ? null : tls.peerCertificates();
    }

    String remote() {
        return Request.getRemoteAddr(request);
    }

    long contentLength() {
        return request.getLength();
    }

    /**
     * Reads the whole body, at most {@code max} bytes.
     *
     * @return null when the body is larger than {@code max}
     */
    byte[] readBody(int max) throws IOException {
        watch.waitingOnClient();
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] b = in.readNBytes(max + 1);
            return b.length > max ? null : b;
        } finally {
            watch.working();
        }
    }

    void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    void addHeader(String name, String value) {
        response.getHeaders().add(name, value);
    }

    /** @param length the body's length, or -1 when unknown (streamed) or absent */
    void sendHeaders(int status, long length) {
        response.setStatus(status);
        if (length >= 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        }
    }

    /** The body of the answer; {@link OutputStream#flush()} sends what was written so far (server-sent events). */
    OutputStream responseBody() {
        if (body == null) {
            body = new OnceClosed(Content.Sink.asOutputStream(response));
        }
        return body;
    }

    /** Ends the answer; called again by the server after the handler, then a no-op. */
    void close() throws IOException {
        if (body != null) {
            body.close();
        }
    }

    /** Closing the body sends its last chunk: exactly once, whoever closes it first. */
    private static final class OnceClosed extends FilterOutputStream {
        private boolean closed;

        OnceClosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }
    }
}
