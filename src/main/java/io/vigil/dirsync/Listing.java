package io.vigil.dirsync;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a listing received from the source before the receiver acts on any of it. The peer is
 * authenticated, but a host holding the cluster key (a compromised peer, the witness host) must
 * not be able to steer the receiver, which runs as root, outside its directory. So every entry
 * must be a plain relative name whose directory was listed before it as a directory: never below
 * a link or a file, never twice, never with '.', '..', an empty component, NUL or a leading '/'.
 * What {@link Manifest#scan} produces on an honest source always passes.
 */
final class Listing {

    private Listing() {
    }

    /** @throws RefusedListingException naming the first bad entry and why, before anything is touched */
    static void check(String dir, List<Entry> entries) throws RefusedListingException {
        Map<String, Entry.Type> seen = new HashMap<>();
        for (Entry e : entries) {
            String why = problem(e, seen);
            if (why != null) {
                throw new RefusedListingException("refused the listing of '" + dir + "' from the source: entry '"
                        + printable(e.path()) + "' " + why + "; nothing was changed. The source's directory holds "
                        + "something an honest source never lists: check the peer node (it may be compromised)");
            }
            seen.put(e.path(), e.type());
        }
    }

    /** Why {@code e} is refused, or null when it is acceptable after the entries in {@code seen}. */
    private static String problem(Entry e, Map<String, Entry.Type> seen) {
        String name = nameProblem(e.path());
        if (name != null) {
            return name;
        }
        if (seen.containsKey(e.path())) {
            return "is listed twice (as " + seen.get(e.path()) + " and " + e.type() + ")";
        }
        String parent = parentProblem(e.path(), seen);
        if (parent != null) {
            return parent;
        }
        return fieldProblem(e);
    }

    static String nameProblem(String path) {
        if (path.isEmpty()) {
            return "has an empty name";
        }
        if (path.indexOf('\0') >= 0) {
            return "contains a NUL character";
        }
        if (path.startsWith("/")) {
            return "is an absolute path";
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty()) {
                return "has an empty component";
            }
            if (part.equals(".") || part.equals("..")) {
                return "has a '" + part + "' component";
            }
        }
        return null;
    }

    private static String parentProblem(String path, Map<String, Entry.Type> seen) {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        String parent = path.substring(0, slash);
        Entry.Type t = seen.get(parent);
        if (t == null) {
            return "is inside directory '" + printable(parent) + "', but directory '" + printable(parent)
                    + "' is not listed before it";
        }
        if (t == Entry.Type.LINK) {
            return "is below '" + printable(parent) + "', which the listing gives as a link (links are never followed)";
        }
        if (t == Entry.Type.FILE) {
            return "is below '" + printable(parent) + "', which the listing gives as a file";
        }
        return null;
    }

    private static String fieldProblem(Entry e) {
        if (e.type() != Entry.Type.DIR && e.path().substring(e.path().lastIndexOf('/') + 1)
                .startsWith(Manifest.TEMP_PREFIX)) {
            // an honest source skips such files (Manifest.isTemp); the receiver deletes them as stale
            return "uses the prefix " + Manifest.TEMP_PREFIX + ", reserved for the receiver's temporary files";
        }
        if ((e.mode() & ~07777) != 0) {
            return "has mode " + Integer.toOctalString(e.mode()) + ", not permission bits (07777)";
        }
        if (e.type() == Entry.Type.FILE && e.size() < 0) {
            return "has a negative size " + e.size();
        }
        if (e.type() == Entry.Type.LINK && e.linkTarget().isEmpty()) {
            return "is a link with an empty target";
        }
        if (e.type() == Entry.Type.LINK && e.linkTarget().indexOf('\0') >= 0) {
            return "is a link whose target contains a NUL character";
        }
        return null;
    }

    /** The name as it can be shown in a log line: control characters (NUL, newlines) escaped. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\0') {
                b.append("\\0");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.length() > 300 ? b.substring(0, 300) + "..." : b.toString();
    }
}
