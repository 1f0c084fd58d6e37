package io.vigil.setup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.security.ClusterKeys;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One pairing connection: frames of a 4-byte length and a JSON message, at most
 * {@value #MAX_FRAME} bytes, each read under the socket's deadline. After {@link #seal} every
 * frame is AES-256-GCM (JDK) under a key per direction derived with HKDF-SHA256 from the PAKE's
 * keying material; the nonce is the frame's sequence number, so a frame replayed, reordered or
 * dropped by someone in between fails to open.
 */
final class PairingChannel implements Closeable {
    static final int MAX_FRAME = 64 * 1024;
    private static final byte[] AAD = "vigil pairing v1".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private SecretKeySpec sendKey;
    private SecretKeySpec receiveKey;
    private long sent;
    private long received;

    PairingChannel(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    String remote() {
        return socket.getInetAddress().getHostAddress();
    }

    /** From now on, every frame is sealed. {@code node1} says which direction's key is ours. */
    void seal(BigInteger keyingMaterial, boolean node1) {
        byte[] ikm = keyingMaterial.toByteArray();
        SecretKeySpec oneToTwo = new SecretKeySpec(ClusterKeys.hkdf(null, ikm,
                "vigil pairing v1 node1->node2".getBytes(StandardCharsets.US_ASCII), 32), "AES");
        SecretKeySpec twoToOne = new SecretKeySpec(ClusterKeys.hkdf(null, ikm,
                "vigil pairing v1 node2->node1".getBytes(StandardCharsets.US_ASCII), 32), "AES");
        sendKey = node1 ? oneToTwo : twoToOne;
        receiveKey = node1 ? twoToOne : oneToTwo;
    }

    void send(Object message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(message);
        if (sendKey != null) {
            body = crypt(Cipher.ENCRYPT_MODE, sendKey, sent++, body);
        }
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    /**
     * The next message, as {@code type}.
     *
     * @throws PairingProtocolException the frame is too long, does not open, or is not a {@code type}
     */
    <T> T receive(Class<T> type) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new PairingProtocolException("the other node closed the connection");
        }
        if (length < 0 || length > MAX_FRAME) {
            throw new PairingProtocolException("a frame of " + length + " bytes (at most " + MAX_FRAME + ")");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        if (receiveKey != null) {
            try {
                body = crypt(Cipher.DECRYPT_MODE, receiveKey, received++, body);
            } catch (IOException e) {
                throw new PairingProtocolException("a sealed frame that does not open under the agreed key");
            }
        }
        try {
            return JSON.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new PairingProtocolException("a malformed " + type.getSimpleName() + " message");
        }
    }

    private static byte[] crypt(int mode, SecretKeySpec key, long sequence, byte[] data) throws IOException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(128, ByteBuffer.allocate(12).putLong(4, sequence).array()));
            c.updateAAD(AAD);
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM " + (mode == Cipher.ENCRYPT_MODE ? "seal" : "open") + " failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** The other side broke the exchange: not a wrong code, a wrong or damaged message. */
    static final class PairingProtocolException extends IOException {
        PairingProtocolException(String message) {
            super(message);
        }
    }
}
