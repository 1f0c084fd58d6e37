package io.vigil.dirsync;

import java.io.IOException;

/**
 * The source's listing names an entry that could make the receiver write outside its directory,
 * or is inconsistent (issue 10 item 1). The whole pass is refused before anything is changed:
 * retrying will not help until the source sends a sane listing.
 */
public final class RefusedListingException extends IOException {
    public RefusedListingException(String message) {
        super(message);
    }
}
