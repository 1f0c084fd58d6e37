package io.vigil.admin;

import io.vigil.api.NodeControl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * The admin channel's request path without a socket, for bench/fuzz (issue 10): what
 * {@link AdminServer} and {@link LocalAdminServer} do with the bytes a client sends after the
 * greeting, once TLS or the socket's peer credentials admitted it. Only an entry point; it adds
 * no behaviour of its own. Relaying to a peer is off, as on the TCP channel.
 */
public final class AdminFuzzEntry {

    private final RequestHandler handler;

    public AdminFuzzEntry(NodeControl control) {
        this.handler = new RequestHandler(control, null, 1000);
    }

    /**
     * Reads one request line from {@code received} as the server does and returns the answer
     * lines the server would write, or null when the bytes end before a line starts.
     *
     * @throws IOException for a line over the protocol's limit (the server refuses it)
     */
    public String answer(byte[] received) throws IOException {
        String line = AdminProtocol.readLine(new ByteArrayInputStream(received));
        if (line == null) {
            return null;
        }
        List<String> frames = AdminProtocol.frames(handler.handle(line, "fuzz"));
        return String.join("", frames);
    }

    /** The protocol version a request must name. */
    public static int version() {
        return AdminProtocol.version();
    }
}
