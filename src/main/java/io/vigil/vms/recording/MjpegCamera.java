package io.vigil.vms.recording;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * A real camera's HTTP MJPEG stream ({@code multipart/x-mixed-replace}), each part one JPEG with a
 * {@code Content-Length}. The request is HTTP/1.0 so the camera does not chunk the stream; every
 * read has a deadline, header lines and pictures are bounded, and a lost stream is opened again
 * with a back-off (1 s doubling to 30 s). Frames are numbered here, from {@code firstSeq}, and
 * stamped with their arrival time: an MJPEG part carries neither.
 */
final class MjpegCamera implements Camera {
    static final int READ_TIMEOUT_MS = 10_000;
    private static final int MAX_LINE = 1024;
    private static final int MAX_HEADERS = 32;

    private final long deviceId;
    private final URI url;
    private final Sink sink;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Socket socket;
    private long nextSeq;

    MjpegCamera(long deviceId, URI url, long firstSeq, Sink sink) {
        this.deviceId = deviceId;
        this.url = url;
        this.sink = sink;
        this.nextSeq = firstSeq;
        thread = new Thread(this::run, "mjpeg-" + deviceId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long backoff = 1000;
        while (running) {
            try (Socket s = connect()) {
                socket = s;
                boolean delivered = stream(s);
                backoff = delivered ? 1000 : backoff;
                sink.problem("camera " + url.getHost() + " closed the stream; opening it again");
            } catch (IOException | RuntimeException e) {
                if (running) {
                    sink.problem("camera " + url.getHost() + ": " + e.getMessage() + "; retrying in " + backoff / 1000 + " s");
                }
            }
            sleep(backoff);
            backoff = Math.min(backoff * 2, 30_000);
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        int port = url.getPort() > 0 ? url.getPort() : 80;
        s.connect(new InetSocketAddress(url.getHost(), port), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.0\r\nHost: " + url.getHost() + "\r\n");
        if (url.getRawUserInfo() != null) {
            req.append("Authorization: Basic ").append(Base64.getEncoder().encodeToString(
                    url.getUserInfo().getBytes(StandardCharsets.UTF_8))).append("\r\n");
        }
        OutputStream out = s.getOutputStream();
        out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }

    /** Reads parts until the stream ends; true when at least one picture came. */
    private boolean stream(Socket s) throws IOException {
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        String status = line(in);
        if (status == null || !status.matches("HTTP/1\\.[01] 200.*")) {
            throw new IOException("answered '" + status + "' instead of 200");
        }
        String boundary = boundary(headers(in).contentType);
        boolean delivered = false;
        while (running) {
            String l = line(in);
            if (l == null) {
                return delivered;
            }
            if (!l.equals("--" + boundary) && !l.equals(boundary)) {
                continue; // the CRLF after a part, or a preamble
            }
            Headers h = headers(in);
            if (h.contentLength < 0) {
                throw new IOException("a part has no Content-Length; this MJPEG stream is not supported");
            }
            byte[] picture = in.readNBytes(h.contentLength);
            if (picture.length < h.contentLength) {
                return delivered;
            }
            sink.frame(new Frame(deviceId, nextSeq++, System.currentTimeMillis(), picture));
            if (!delivered) {
                sink.problem(null);
                delivered = true;
            }
        }
        return delivered;
    }

    private record Headers(String contentType, int contentLength) {
    }

    private static Headers headers(InputStream in) throws IOException {
        String type = null;
        int length = -1;
        for (int i = 0; i <= MAX_HEADERS; i++) {
            String l = line(in);
            if (l == null || l.isEmpty()) {
                return new Headers(type, length);
            }
            int colon = l.indexOf(':');
            String name = colon < 0 ? "" : l.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : l.substring(colon + 1).strip();
            if (name.equals("content-type")) {
                type = value;
            } else if (name.equals("content-length")) {
                length = contentLength(value);
            }
        }
        throw new IOException("more than " + MAX_HEADERS + " header lines");
    }

    private static int contentLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value);
            if (n >= 0 && n <= FrameCodec.MAX_PAYLOAD) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IOException("Content-Length '" + value + "' is not a picture size (0 to " + FrameCodec.MAX_PAYLOAD + ")");
    }

    static String boundary(String contentType) throws IOException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/x-mixed-replace")) {
            throw new IOException("Content-Type '" + contentType + "' is not multipart/x-mixed-replace (an MJPEG stream)");
        }
        for (String p : contentType.split(";")) {
            String t = p.strip();
            if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = t.substring(9).replace("\"", "");
                return b.startsWith("--") ? b.substring(2) : b;
            }
        }
        throw new IOException("Content-Type '" + contentType + "' names no boundary");
    }

    /** One line without its CRLF, null at the end of the stream; longer than {@link #MAX_LINE} is refused. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            if (b.length() >= MAX_LINE) {
                throw new IOException("a header line longer than " + MAX_LINE + " bytes");
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        Socket s = socket;
        try {
            if (s != null) {
                s.close();
            }
            thread.join(5000);
        } catch (IOException e) {
            // closing only unblocks the reader
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
