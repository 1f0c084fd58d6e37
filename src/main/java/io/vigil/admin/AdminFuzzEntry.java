package io.vigil.admin;

import io.vigil.api.NodeControl;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The admin channel's request path without a socket, for bench/fuzz (issue 10): what
 * {@link AdminServer} does with the bytes a client sends after the greeting. Only an entry
 * point; it adds no behaviour of its own.
 */
public final class AdminFuzzEntry {

    private final RequestHandler handler;

    public AdminFuzzEntry(NodeControl control, byte[] clusterKey) {
        this.handler = new RequestHandler(control, clusterKey, (address, problem) -> { }, 1000);
    }

    /**
     * Reads one request line from {@code received} as the server does and returns the answer
     * line the server would write, or null when the bytes end before a line starts.
     *
     * @throws IOException for a line over the protocol's limit (the server refuses it)
     */
    public String answer(byte[] received, String challenge) throws IOException {
        String line = AdminProtocol.readLine(new ByteArrayInputStream(received));
        return line == null ? null : AdminProtocol.line(handler.handle(line, challenge, "fuzz"));
    }

    /** The MAC a client holding {@code clusterKey} sends for {@code requestJson} (hex). */
    public static String mac(byte[] clusterKey, String challenge, String requestJson) throws IOException {
        return AdminProtocol.hex(AdminProtocol.mac(clusterKey, challenge, AdminProtocol.JSON.readTree(requestJson)));
    }
}
