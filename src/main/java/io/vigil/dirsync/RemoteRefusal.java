package io.vigil.dirsync;

import java.io.IOException;

/** The source answered with an ERROR message: it cannot serve what we asked, and says why. */
public final class RemoteRefusal extends IOException {
    public RemoteRefusal(String message) {
        super(message);
    }
}
