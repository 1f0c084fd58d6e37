package io.vigil.cli;

import io.vigil.admin.AdminException;

/** The exit codes scripts may rely on; listed in `vigil --help`. */
final class ExitCode {

    static final int OK = 0;
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    static final int AUTH = 4;

    private ExitCode() {
    }

    static int of(AdminException e) {
        AdminException.Kind k = e.kind();
        if (k == AdminException.Kind.AUTH) {
            return AUTH;
        } else if (k == AdminException.Kind.REFUSED) {
            return REFUSED;
        }
        // UNREACHABLE and ERROR: no usable answer came from a vigil node at that address.
        return UNREACHABLE;
    }
}
