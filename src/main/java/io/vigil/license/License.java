package io.vigil.license;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * What a license grants (SPEC §8): the cluster of the two named hosts, for a licensee, until
 * {@code expires} (inclusive; null: no end). The same license goes on both nodes.
 *
 * @param id       the issuer's reference, quoted in support cases
 * @param hosts    both nodes' host names, as the nodes report them (compared without case and
 *                 without the domain: {@code vms1.example.com} matches {@code vms1})
 * @param issued   the day the issuing tool signed it
 */
public record License(String id, String licensee, List<String> hosts, LocalDate issued, LocalDate expires) {

    public License {
        if (id == null || id.isBlank() || licensee == null || licensee.isBlank()) {
            throw new IllegalArgumentException("a license needs an id and a licensee");
        }
        if (hosts == null || hosts.size() != 2 || hosts.stream().anyMatch(h -> h == null || h.isBlank())
                || shortName(hosts.get(0)).equals(shortName(hosts.get(1)))) {
            throw new IllegalArgumentException("a license names exactly two different host names, got " + hosts);
        }
        if (issued == null) {
            throw new IllegalArgumentException("a license needs its issue date");
        }
        if (expires != null && expires.isBefore(issued)) {
            throw new IllegalArgumentException("a license cannot expire (" + expires + ") before it is issued ("
                    + issued + ")");
        }
        hosts = List.copyOf(hosts);
    }

    /** Whether this license names the host {@code name} (no case, no domain). */
    public boolean names(String name) {
        return hosts.stream().anyMatch(h -> shortName(h).equals(shortName(name)));
    }

    /** The host name without its domain, in lower case. */
    static String shortName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        int dot = h.indexOf('.');
        return dot > 0 && !Character.isDigit(h.charAt(0)) ? h.substring(0, dot) : h;
    }
}
