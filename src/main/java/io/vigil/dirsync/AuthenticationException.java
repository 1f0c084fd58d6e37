package io.vigil.dirsync;

import java.io.IOException;

/**
 * The other end of a replication connection is not this cluster's peer: TLS refused its
 * certificate (or it refused ours), or it speaks another replication protocol version, or it is
 * not a replication port at all. Retrying cannot help until the setup is fixed, so callers report
 * it as such.
 */
public final class AuthenticationException extends IOException {
    public AuthenticationException(String message) {
        super(message);
    }
}
