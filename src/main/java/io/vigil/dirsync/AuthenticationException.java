package io.vigil.dirsync;

import java.io.IOException;

/**
 * The other end of a replication connection does not hold our cluster key (or is not a Vigil
 * node). Retrying cannot help until the configuration is fixed, so callers report it as such.
 */
public final class AuthenticationException extends IOException {
    public AuthenticationException(String message) {
        super(message);
    }
}
