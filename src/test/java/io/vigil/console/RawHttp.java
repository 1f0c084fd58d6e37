package io.vigil.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket bound to a chosen loopback source address (all of 127.0.0.0/8
 * works), for tests that need a per-address view (the login rate limit) or a request no HTTP
 * client library would send (oversized, trickled).
 */
record RawHttp(int status, String head, String body) {

    /** Status of an answer that never came: the node closed the connection first (e.g. over the per-address cap). */
    static final int CLOSED = -1;

    /** A login; {@link #CLOSED} as the status when the node closed the connection without answering. */
    static int loginStatus(String source, String base, String password, int connectTimeoutMs) {
        try {
            return login(source, base, password, connectTimeoutMs).status();
        } catch (IOException closed) {
            return CLOSED;
        }
    }

    static RawHttp login(String source, String base, String password, int connectTimeoutMs) throws IOException {
        String json = "{\"user\":\"admin\",\"password\":\"" + password + "\"}";
        return exchange(source, base, "POST /api/login HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\n", json, connectTimeoutMs);
    }

    /** @param requestHead the request line and headers, each ending in CRLF, without Host, Connection and the blank line */
    static RawHttp exchange(String source, String base, String requestHead, String body, int connectTimeoutMs)
            throws IOException {
        URI u = URI.create(base);
        try (Socket s = connect(source, base, connectTimeoutMs)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write((requestHead + "Host: " + u.getHost() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            return parse(s.getInputStream());
        }
    }

    static Socket connect(String source, String base, int timeoutMs) throws IOException {
        URI u = URI.create(base);
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(new InetSocketAddress(u.getHost(), u.getPort()), timeoutMs);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    static RawHttp parse(InputStream in) throws IOException {
        String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete HTTP answer: \"" + answer + "\"");
        }
        String head = answer.substring(0, end);
        return new RawHttp(Integer.parseInt(head.split(" ")[1]), head, answer.substring(end + 4));
    }

    String header(String name) {
        for (String line : head.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase(name)) {
                return line.substring(c + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " header in " + head);
    }
}
