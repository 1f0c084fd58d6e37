package io.vigil.replication;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The database account the protected services use (issue 10 item 6): a login role that owns
 * one database and holds no other privilege (not superuser, no CREATEROLE, CREATEDB or
 * REPLICATION). A compromised VMS service then reaches its own data, not the replication
 * role, not other databases, and not the server's files through superuser functions.
 *
 * @param user     role name, e.g. vigil_app
 * @param password its password (never logged; {@link #toString()} hides it)
 * @param database the database it owns, e.g. vms
 */
public record AppAccount(String user, String password, String database) {
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public AppAccount {
        for (String name : new String[] {user, database}) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + name + "' must be lower-case letters, digits and '_'");
            }
        }
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "AppAccount[user=" + user + ", database=" + database + ", password=***]";
    }
}
