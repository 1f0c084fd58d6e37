package io.vigil.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Can the database user reach its data directory? (issue 16). PostgreSQL's tools run as a
 * non-root user, which needs search (x) permission on every directory above the data. A data
 * directory under root's home (mode 0700) fails deep inside initdb, with a message about a
 * password file the operator never heard of; this check says it up front, in one line, naming
 * the directory, the user and the fix.
 *
 * <p>The data directory's parent is created and handed to the user by Vigil itself
 * ({@link PgInstance#prepareHome()}), so only the directories above it are checked. Permissions
 * are read from the file system (owner, group, mode) against the user's uid and groups as
 * {@code id} reports them; ACLs are not read.
 */
public final class PgAccess {

    /** A user's identity: uid and every group it belongs to. */
    record Identity(int uid, Set<Integer> groups) {
    }

    private PgAccess() {
    }

    /**
     * The problem, as one line, or empty when {@code osUser} can reach the data directory's parent
     * (or when this process cannot act as another user anyway, and so runs the tools as itself).
     */
    public static Optional<String> problem(Path dataDir, String osUser) {
        if (!"root".equals(System.getProperty("user.name")) || "root".equals(osUser)) {
            return Optional.empty();
        }
        Identity who = identity(osUser);
        if (who == null) {
            return Optional.of("the database user '" + osUser + "' does not exist: install PostgreSQL"
                    + " (apt-get install postgresql-15, which creates it) or set database.osUser");
        }
        return problem(dataDir, osUser, who);
    }

    static Optional<String> problem(Path dataDir, String osUser, Identity who) {
        Path home = dataDir.toAbsolutePath().normalize().getParent();
        if (home == null) {
            return Optional.empty();
        }
        for (Path dir : ancestors(home.getParent())) {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                break; // created by Vigil (as root, 0755) when it prepares the data directory
            }
            try {
                int uid = (Integer) Files.getAttribute(dir, "unix:uid");
                int gid = (Integer) Files.getAttribute(dir, "unix:gid");
                int mode = (Integer) Files.getAttribute(dir, "unix:mode");
                if (!searchable(who, uid, gid, mode)) {
                    return Optional.of("the database user '" + osUser + "' cannot enter " + dir + " ("
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)) + ", owner "
                            + Files.getOwner(dir).getName() + "), which holds the database data " + dataDir
                            + ": set database.dataDir to a place it can reach (e.g. /var/lib/vigil/pg/data)"
                            + " or run: chmod o+x " + dir);
                }
            } catch (IOException | UnsupportedOperationException e) {
                return Optional.of("cannot read the permissions of " + dir + " (" + e.getMessage() + "), above the"
                        + " database data " + dataDir + ": check that it exists and is readable");
            }
        }
        return Optional.empty();
    }

    static boolean searchable(Identity who, int uid, int gid, int mode) {
        if (who.uid() == uid) {
            return (mode & 0100) != 0;
        }
        if (who.groups().contains(gid)) {
            return (mode & 0010) != 0;
        }
        return (mode & 0001) != 0;
    }

    /** "/", then each directory down to {@code dir}. */
    private static List<Path> ancestors(Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p = dir; p != null; p = p.getParent()) {
            out.add(0, p);
        }
        return out;
    }

    private static Identity identity(String user) {
        List<String> uid = id(user, "-u");
        List<String> groups = id(user, "-G");
        if (uid.size() != 1 || groups.isEmpty()) {
            return null;
        }
        Set<Integer> gids = new HashSet<>();
        for (String g : groups.get(0).trim().split("\\s+")) {
            gids.add(Integer.parseInt(g));
        }
        return new Identity(Integer.parseInt(uid.get(0).trim()), gids);
    }

    private static List<String> id(String user, String flag) {
        try {
            Process p = new ProcessBuilder("id", flag, "--", user).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return List.of();
            }
            return out.isBlank() ? List.of() : List.of(out.strip());
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
