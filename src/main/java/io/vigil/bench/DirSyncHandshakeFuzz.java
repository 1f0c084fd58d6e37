package io.vigil.bench;

import io.vigil.dirsync.HostileSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Unauthenticated bytes at directory replication's port: the accepting side of the handshake
 * ({@link HostileSource#acceptHandshake}, the real source's code) on a real loopback connection.
 * Its documented failures are {@link IOException}s (not our protocol, another version, a wrong
 * proof, a short read); a wrong proof must never be accepted.
 */
final class DirSyncHandshakeFuzz implements FuzzTarget {

    private static final byte[] HELLO = Mutator.concat("VGDS".getBytes(StandardCharsets.US_ASCII), new byte[] {2});
    private static final int READ_TIMEOUT_MS = 200;

    private final byte[] key = FuzzKeys.key("dirsync");
    private final ServerSocket listener;

    DirSyncHandshakeFuzz() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @Override
    public String name() {
        return "dirsync-handshake";
    }

    @Override
    public byte[] generate(SplittableRandom r) {
        byte[] hello = Mutator.concat(HELLO, Mutator.randomBytes(r, 32), Mutator.randomBytes(r, 32));
        return switch (r.nextInt(3)) {
            case 0 -> Mutator.randomBytes(r, r.nextInt(100));
            case 1 -> Mutator.mutate(hello, r);
            default -> hello; // right hello, a proof made without the key
        };
    }

    @Override
    public Verdict feed(byte[] input) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket accepted = listener.accept()) {
            OutputStream out = client.getOutputStream();
            out.write(input);
            out.flush();
            client.shutdownOutput();
            accepted.setSoTimeout(READ_TIMEOUT_MS);
            try {
                HostileSource.acceptHandshake(accepted, key);
            } catch (IOException e) {
                return Verdict.REJECTED;
            }
            return Verdict.stateChange("handshake without the key", "a handshake without the key was accepted");
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
