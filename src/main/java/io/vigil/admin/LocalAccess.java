package io.vigil.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jdk.net.UnixDomainPrincipal;

/**
 * Who may use the node's local admin socket (issue 12): root, the user the node itself runs as
 * (it reads the node's keys anyway), and members of the {@value #GROUP} group, as the primary
 * group of the connecting process or a supplementary group of its user. The kernel names the
 * connecting process's user and group ({@code SO_PEERCRED}); the client cannot choose them.
 */
final class LocalAccess {
    static final String GROUP = "vigil";

    /** A user's groups by name, supplementary ones included (the system's user database). */
    interface Groups {
        List<String> of(String user) throws IOException;
    }

    /** {@code id -Gn USER}: asks NSS, so groups from LDAP and the like count too. No shell. */
    static final Groups SYSTEM = user -> {
        Process p = new ProcessBuilder("id", "-Gn", "--", user).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return List.of();
            }
            return Arrays.asList(new String(out, StandardCharsets.UTF_8).trim().split("\\s+"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while looking up the groups of " + user, e);
        }
    };

    private final String group;
    private final Groups groups;
    private final UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();

    LocalAccess(String group, Groups groups) {
        this.group = group;
        this.groups = groups;
    }

    static LocalAccess standard() {
        return new LocalAccess(GROUP, SYSTEM);
    }

    /** The name of the group that may use the socket. */
    String groupName() {
        return group;
    }

    /** The group that may use the socket, when it exists on this machine. */
    Optional<GroupPrincipal> group() {
        try {
            return Optional.of(lookup.lookupPrincipalByGroupName(group));
        } catch (UserPrincipalNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return empty when {@code peer} may use the socket, else the message that says why not and what to do */
    Optional<String> refusal(UnixDomainPrincipal peer) {
        UserPrincipal user = peer.user();
        if (is(user, "root") || is(user, System.getProperty("user.name"))) {
            return Optional.empty();
        }
        Optional<GroupPrincipal> allowed = group();
        if (allowed.isPresent() && (allowed.get().equals(peer.group()) || memberOf(user.getName()))) {
            return Optional.empty();
        }
        String rule = "the vigil admin socket accepts root and members of the group '" + group + "' only; user '"
                + user.getName() + "' is neither";
        if (allowed.isEmpty()) {
            return Optional.of(rule + ", and this machine has no group '" + group + "': run the command with sudo,"
                    + " or create the group (groupadd --system " + group + "), add the user (usermod -aG " + group
                    + " " + user.getName() + ") and restart the node");
        }
        return Optional.of(rule + ": run the command with sudo, or add the user to the group (usermod -aG " + group
                + " " + user.getName() + ", then log in again)");
    }

    private boolean is(UserPrincipal user, String name) {
        try {
            return name != null && user.equals(lookup.lookupPrincipalByName(name));
        } catch (IOException e) {
            return false;
        }
    }

    private boolean memberOf(String user) {
        try {
            return groups.of(user).contains(group);
        } catch (IOException e) {
            return false;
        }
    }
}
