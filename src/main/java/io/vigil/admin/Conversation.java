package io.vigil.admin;

import io.vigil.api.NodeControl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request on an admin connection once its client is known (TLS handshake done, or the Unix
 * socket's peer accepted): greeting, one bounded request line, the answer in one or more frames.
 * Shared by {@link AdminServer} and {@link LocalAdminServer}.
 */
final class Conversation {

    private Conversation() {
    }

    /**
     * @param in      the client's bytes, already under a deadline: a read past it throws
     *                {@link SocketTimeoutException}
     * @param remote  who the client is, for the commands log
     * @param waitMs  the request deadline, for the message of a client that sent nothing
     */
    static void run(InputStream in, OutputStream out, NodeControl control, RequestHandler handler, String remote,
                    long waitMs) throws IOException {
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("node", nodeId(control));
        hello.put("protocol", AdminProtocol.VERSION);
        write(out, AdminProtocol.line(hello));
        // Issue 10 item 8: a big log answer goes out as several frames (AdminProtocol.frames).
        for (String frame : AdminProtocol.frames(respond(in, handler, remote, waitMs))) {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    private static Map<String, Object> respond(InputStream in, RequestHandler handler, String remote, long waitMs)
            throws IOException {
        String line;
        try {
            line = AdminProtocol.readLine(in);
        } catch (AdminProtocol.LineTooLongException e) {
            drainAfterOversizeLine(in);
            return RequestHandler.error("bad-request", "request line longer than " + AdminProtocol.MAX_LINE_BYTES
                    + " bytes; refused");
        } catch (SocketTimeoutException e) {
            return RequestHandler.error("bad-request", "no request within " + waitMs / 1000.0 + " s; closing");
        }
        if (line == null) {
            throw new SocketException("closed before sending a request");
        }
        return handler.handle(line, remote);
    }

    /**
     * Closing a socket with unread input makes the kernel send a reset, which can destroy our
     * answer before the client reads it; so swallow the rest of the line, within bounds.
     */
    private static void drainAfterOversizeLine(InputStream in) throws IOException {
        for (int i = 0; i < 16 * AdminProtocol.MAX_LINE_BYTES; i++) {
            int b = in.read();
            if (b < 0 || b == '\n') {
                return;
            }
        }
    }

    /** The node id for the greeting; null while the node has no status yet. */
    private static Integer nodeId(NodeControl control) {
        try {
            var status = control.status();
            return status == null || status.node() == null ? null : status.node().nodeId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void write(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
