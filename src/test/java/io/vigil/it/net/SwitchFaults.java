package io.vigil.it.net;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network faults as nftables rules in the switch namespace (bridge family, forward hook), keyed by a
 * rule comment so that each fault can be healed on its own.
 *
 * <p>Why at the switch and not with iptables inside the hosts: a DROP in a host's OUTPUT chain makes
 * {@code sendto} fail with EPERM, which no real network does, and iptables never sees ARP. Frames
 * dropped between two bridge ports vanish silently, ARP included, as they would on a broken cable or
 * switch. Each host's switch port is named after the host.
 */
final class SwitchFaults {
    private static final String TABLE = "netlab";
    private static final String CHAIN = "faults";
    private static final Pattern RULE = Pattern.compile("comment \"([^\"]*)\" # handle (\\d+)");
    /** Resolution of the loss probability: numgen draws in [0, SCALE). */
    private static final int SCALE = 1_000_000;

    private final String switchNs;
    /** "key\nrule" of each rule added, so that repeating a fault does not stack copies of it. */
    private final Set<String> installed = new HashSet<>();

    SwitchFaults(String switchNs) {
        this.switchNs = switchNs;
    }

    void install() {
        try {
            nft("add table bridge " + TABLE);
            nft("add chain bridge " + TABLE + " " + CHAIN + " { type filter hook forward priority 0; policy accept; }");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot filter bridged frames with nftables; the kernel needs nf_tables"
                    + " with bridge family support (nft_meta_bridge, nft_numgen): " + e.getMessage(), e);
        }
    }

    /** Drops every frame from port {@code from} to port {@code to}, ARP included; once per key. */
    synchronized void drop(String key, String from, String to) {
        add(key, "iifname \"" + from + "\" oifname \"" + to + "\" drop");
    }

    /** Drops IPv4 packets from port {@code from} to port {@code to} but lets ARP through; once per key. */
    synchronized void dropIp(String key, String from, String to) {
        add(key, "iifname \"" + from + "\" oifname \"" + to + "\" ether type ip drop");
    }

    /** Drops each frame entering or leaving {@code port} with probability {@code p}, replacing an earlier loss. */
    synchronized void loss(String key, String port, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("loss probability must be in [0, 1], was " + p);
        }
        remove(key);
        if (p == 0) {
            return;
        }
        // numgen's comparison must stay inside its range, so certain loss is a plain drop.
        String when = p == 1 ? "" : "numgen random mod " + SCALE + " < " + Math.round(p * SCALE) + " ";
        rule(key, "iifname \"" + port + "\" " + when + "drop");
        rule(key, "oifname \"" + port + "\" " + when + "drop");
    }

    /** Removes every rule added under {@code key}. */
    synchronized void remove(String key) {
        for (int handle : handles(key)) {
            nft("delete rule bridge " + TABLE + " " + CHAIN + " handle " + handle);
        }
        installed.removeIf(r -> r.startsWith(key + "\n"));
    }

    synchronized void clear() {
        nft("flush chain bridge " + TABLE + " " + CHAIN);
        installed.clear();
    }

    /** The rules currently installed, as nft prints them; for assertions and failure messages. */
    String listing() {
        return Cmd.run("ip", "netns", "exec", switchNs, "nft", "-a", "list chain bridge " + TABLE + " " + CHAIN)
                .orThrow().output();
    }

    private void add(String key, String rule) {
        if (!installed.contains(key + "\n" + rule)) {
            rule(key, rule);
        }
    }

    private void rule(String key, String rule) {
        nft("add rule bridge " + TABLE + " " + CHAIN + " " + rule + " comment \"" + key + "\"");
        installed.add(key + "\n" + rule);
    }

    private List<Integer> handles(String key) {
        List<Integer> out = new ArrayList<>();
        Matcher m = RULE.matcher(listing());
        while (m.find()) {
            if (m.group(1).equals(key)) {
                out.add(Integer.parseInt(m.group(2)));
            }
        }
        return out;
    }

    /** nft parses one argument as a whole command line, which keeps quoting out of the process API. */
    private String nft(String command) {
        return Cmd.run("ip", "netns", "exec", switchNs, "nft", command).orThrow().output();
    }
}
