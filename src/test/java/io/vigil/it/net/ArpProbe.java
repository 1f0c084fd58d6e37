package io.vigil.it.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds an IP address on a lab's segment, as its other hosts see it: the MACs that answer an ARP
 * request (two answers = two holders, the split brain a virtual IP must never have), and the MAC a
 * host's kernel would send to right now (its neighbour cache, which gratuitous ARP updates).
 * Uses Thomas Habets' arping (Debian package {@code arping}).
 */
public final class ArpProbe {
    private static final Pattern MAC = Pattern.compile("(?m)^\\s*([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})\\s*$");
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-fA-F:]{17})");
    private static final Pattern ETHER = Pattern.compile("link/ether ([0-9a-fA-F:]{17})");

    private final NetLab lab;

    public ArpProbe(NetLab lab) {
        this.lab = lab;
    }

    /** The MAC address of the host's interface on the segment, lower case. */
    public String macOf(String host) {
        String link = lab.check(host, "ip", "link", "show", "dev", lab.iface(host));
        Matcher m = ETHER.matcher(link);
        if (!m.find()) {
            throw new IllegalStateException("no MAC address in `ip link show` of " + host + ": " + link);
        }
        return m.group(1).toLowerCase(Locale.ROOT);
    }

    /**
     * Broadcasts one ARP request for {@code ip} from {@code from} and returns every distinct MAC that
     * answers within a second, in order of arrival; empty when nobody holds the address.
     */
    public List<String> whoHas(String from, String ip) {
        // -w is a deadline, so arping keeps listening after the first reply and reports duplicates.
        Cmd.Result r = lab.result(from, "arping", "-r", "-c", "1", "-w", "1", "-i", lab.iface(from), ip);
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            r.orThrow();
        }
        List<String> macs = new ArrayList<>();
        Matcher m = MAC.matcher(r.output());
        while (m.find()) {
            String mac = m.group(1).toLowerCase(Locale.ROOT);
            if (!macs.contains(mac)) {
                macs.add(mac);
            }
        }
        return macs;
    }

    /** Like {@link #whoHas} but names the hosts that answer (a MAC no host has is kept as is). */
    public List<String> hostsAnswering(String from, String ip) {
        List<String> names = new ArrayList<>();
        for (String mac : whoHas(from, ip)) {
            names.add(lab.hosts().stream().filter(h -> macOf(h).equals(mac)).findFirst().orElse(mac));
        }
        return names;
    }

    /** The MAC that {@code from}'s neighbour cache holds for {@code ip}, if any (incomplete or failed: none). */
    public Optional<String> neighbour(String from, String ip) {
        String entry = lab.check(from, "ip", "neigh", "show", "to", ip, "dev", lab.iface(from));
        Matcher m = LLADDR.matcher(entry);
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** Empties {@code from}'s neighbour cache entry for {@code ip}, so that its next packet asks again. */
    public void forgetNeighbour(String from, String ip) {
        lab.check(from, "ip", "neigh", "flush", "to", ip, "dev", lab.iface(from));
    }

    /**
     * Announces that {@code host} now holds {@code ip}: {@code count} gratuitous ARP requests, one a
     * second. Several, as keepalived sends: Linux ignores a neighbour update that comes within
     * {@code locktime} (1 s) of the previous one, and a single frame can be lost.
     */
    public void announce(String host, String ip, int count) {
        Cmd.Result r = lab.result(host, "arping", "-q", "-U", "-c", Integer.toString(count),
                "-i", lab.iface(host), "-S", ip, ip);
        // Nobody answers a gratuitous request, so arping's "no reply" exit code 1 is success here.
        if (r.exitCode() != 0 && r.exitCode() != 1) {
            r.orThrow();
        }
    }
}
