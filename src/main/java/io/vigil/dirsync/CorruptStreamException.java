package io.vigil.dirsync;

import java.io.IOException;

/**
 * Bytes arrived that the sender did not send: a frame failed its AES-GCM tag, came out of
 * order, or the stream ended inside a frame. Nothing read on that connection afterwards can be
 * trusted, so the connection is dropped and the file being received is retried on a new one.
 */
public final class CorruptStreamException extends IOException {
    public CorruptStreamException(String message) {
        super(message);
    }

    public CorruptStreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
