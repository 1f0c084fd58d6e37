package io.vigil.console;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers over {@link Exchange}: answers with the security headers, bodies, cookies, queries. */
final class Http {

    static final int MAX_BODY = 16 * 1024;

    /** Pages only load what the node serves itself: no CDN, no inline script, no framing (clickjacking). */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /** The request body exceeded {@link #MAX_BODY}. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("request body larger than " + MAX_BODY + " bytes");
        }
    }

    private Http() {
    }

    static void securityHeaders(Exchange ex) {
        ex.setHeader("X-Content-Type-Options", "nosniff");
        ex.setHeader("X-Frame-Options", "DENY");
        ex.setHeader("Referrer-Policy", "no-referrer");
        ex.setHeader("Content-Security-Policy", CSP);
    }

    static void json(Exchange ex, int status, Object body) throws IOException {
        ex.setHeader("Cache-Control", "no-store");
        send(ex, status, "application/json; charset=utf-8", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    static void error(Exchange ex, int status, String code, String message) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        m.put("code", code);
        json(ex, status, m);
    }

    static void send(Exchange ex, int status, String contentType, byte[] body) throws IOException {
        securityHeaders(ex);
        ex.setHeader("Content-Type", contentType);
        boolean head = "HEAD".equals(ex.method());
        ex.sendHeaders(status, head ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.responseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    /** A file to save: the browser offers a download instead of showing it. */
    static void attachment(Exchange ex, String contentType, String fileName, byte[] body) throws IOException {
        ex.setHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        ex.setHeader("Cache-Control", "no-store");
        send(ex, 200, contentType, body);
    }

    static String body(Exchange ex) throws IOException {
        if (ex.contentLength() > MAX_BODY) {
            throw new TooLarge(); // refused before reading a byte of it
        }
        byte[] b = ex.readBody(MAX_BODY);
        if (b == null) {
            throw new TooLarge();
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    static String cookie(Exchange ex, String name) {
        for (String header : ex.headers("Cookie")) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                    return part.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    static Map<String, String> query(Exchange ex) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = ex.rawQuery();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                q.put(k, ""); // a malformed %-escape: treat as empty rather than fail the request
            }
        }
        return q;
    }

    static String remote(Exchange ex) {
        return ex.remote();
    }

    /** Error messages may quote client input: short, no control characters (they are JSON-escaped anyway). */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
