package io.vigil.admin;

import io.vigil.api.NodeControl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * The admin channel's request path without a socket, for bench/fuzz (issue 10): what
 * {@link AdminServer} does with the bytes a client sends after the greeting. Only an entry
 * point; it adds no behaviour of its own.
 */
public final class AdminFuzzEntry {

    private final RequestHandler handler;
    private final byte[] key;

    public AdminFuzzEntry(NodeControl control, byte[] adminKey) {
        this.handler = new RequestHandler(control, adminKey, (address, problem) -> { }, 1000);
        this.key = adminKey.clone();
    }

    /**
     * Reads one request line from {@code received} as the server does and returns the answer
     * line the server would write, or null when the bytes end before a line starts.
     *
     * @throws IOException for a line over the protocol's limit (the server refuses it)
     */
    public String answer(byte[] received, String challenge) throws IOException {
        String line = AdminProtocol.readLine(new ByteArrayInputStream(received));
        if (line == null) {
            return null;
        }
        RequestHandler.Answer a = handler.handle(line, challenge, "fuzz");
        List<String> frames = AdminProtocol.frames(a.body());
        return String.join("", a.nonce() == null ? frames : AdminProtocol.sealed(frames, key, challenge, a.nonce()));
    }

    /** The MAC a client holding {@code adminKey} sends for {@code requestJson} (hex). */
    public static String mac(byte[] adminKey, String challenge, String requestJson) throws IOException {
        return AdminProtocol.hex(AdminProtocol.mac(adminKey, challenge, AdminProtocol.JSON.readTree(requestJson)));
    }
}
