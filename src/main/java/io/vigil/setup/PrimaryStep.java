package io.vigil.setup;

import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClusterTls;
import io.vigil.pki.Pki;
import io.vigil.setup.PairingMessages.Bundle;
import io.vigil.setup.PairingMessages.Offer;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code vigil setup primary} on node 1 (SPEC §6 step 2): checks this machine, pairs with node 2
 * through its code, makes the cluster CA, both node certificates, the console certificate and the
 * cluster key, gives node 2 its share, and writes node 1's own files only once node 2 has
 * installed its own. Node 1's files are staged before node 2 is answered, so a local failure
 * refuses the pairing and leaves both nodes as they were.
 */
public final class PrimaryStep {
    /** Clocks further apart than this are refused: leases, certificates and logs assume close clocks. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(10);
    /** A DNS name: labels of letters, digits and '-', dot-separated; no wildcard, no spaces. */
    private static final java.util.regex.Pattern HOST_NAME =
            java.util.regex.Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /**
     * @param peer             node 2: FQDN, host name or IPv4 address
     * @param database         "internal", "external" or "none"
     * @param databasePassword external database's password (read from the operator's file), else null
     */
    public record Options(LocalNode node, boolean loopback, String peer, int peerPairingPort, SecurityCode code,
                          String clusterName, int heartbeatBasePort, String vip, String database, String databaseUrl,
                          String databaseUser, String databasePassword, String version) { }

    private final Prerequisites prerequisites;
    private final SetupNetwork net;
    private final Clock clock;

    public PrimaryStep(Prerequisites prerequisites, SetupNetwork net, Clock clock) {
        this.prerequisites = prerequisites;
        this.net = net;
        this.clock = clock;
    }

    /** Runs the step; returns the shared settings once both nodes hold their files. */
    public ClusterSettings run(Options o, Consumer<String> out) throws SetupException {
        LocalNode me = NodeFiles.withVipInterface(o.node(), o.vip(), net);
        Prechecks.require(prerequisites, new SetupPlan(me.hostName(), o.peer(), o.vip(),
                "internal".equals(o.database()), Prechecks.ports(1, me, o.heartbeatBasePort(), o.database(), 0)),
                o.loopback(), out);
        String peerAddress = firstIpv4(o.peer());
        ClusterTls.Authority ca;
        try {
            ca = ClusterTls.Authority.create(o.clusterName(), clock.instant());
        } catch (GeneralSecurityException e) {
            throw new SetupException("cannot make the cluster CA (" + e.getMessage() + ")", e);
        }
        SetupFiles files = new SetupFiles();
        ClusterSettings[] agreed = new ClusterSettings[1];
        try {
            PairingClient.pair(o.peer(), o.peerPairingPort(), o.code(), 10_000, offer -> {
                agreed[0] = settings(o, me, offer, peerAddress);
                return grant(o, me, ca, offer, agreed[0], files);
            });
        } catch (SetupException e) {
            files.abort();
            throw e;
        }
        try {
            files.commit(() -> NodeFiles.verify(me));
        } catch (SetupException e) {
            throw new SetupException("node 2 installed its share, but node 1 could not put its own files in place ("
                    + e.getMessage() + "). Run `vigil setup secondary` on node 2 and this step again: that replaces"
                    + " both nodes' files whole", e);
        }
        out.accept("paired with node 2 (" + agreed[0].node2().hostName() + "); node 1 is configured in "
                + me.configFile());
        return agreed[0];
    }

    private ClusterSettings settings(Options o, LocalNode me, Offer offer, String peerAddress) throws SetupException {
        if (offer.version() == null || offer.address() == null || offer.publicKey() == null) {
            throw new SetupException("node 2 sent an incomplete offer: install the same Vigil version on both nodes");
        }
        if (!o.version().equals(offer.version())) {
            throw new SetupException("node 2 runs Vigil " + offer.version() + " and node 1 " + o.version()
                    + ": install the same version on both nodes");
        }
        Duration skew = Duration.ofMillis(Math.abs(clock.millis() - offer.clockMillis()));
        if (skew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new SetupException("the nodes' clocks are " + skew.toSeconds() + " s apart (at most "
                    + MAX_CLOCK_SKEW.toSeconds() + " s): synchronise both with NTP (timedatectl set-ntp true)");
        }
        // Node 2 proved the code, but what it sends still goes into certificates and files: check its shape.
        if (offer.hostName() == null || !HOST_NAME.matcher(offer.hostName()).matches()) {
            throw new SetupException("node 2 gave '" + offer.hostName() + "' as its host name, which is not one"
                    + " (letters, digits, '-' and '.'): give node 2 a proper --local name");
        }
        if (!peerAddress.equals(offer.address())) {
            throw new SetupException(o.peer() + " resolves to " + peerAddress + " on node 1, but node 2 says its address"
                    + " is " + offer.address() + ": make DNS or /etc/hosts agree on both nodes");
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ClusterSettings.Peer two = new ClusterSettings.Peer(offer.hostName(), offer.address(), offer.adminPort(),
                offer.consolePort(), offer.databasePort());
        return new ClusterSettings(o.clusterName(), HexFormat.of().formatHex(key), me.asPeer(), two,
                o.heartbeatBasePort(), o.vip(), o.database(), o.databaseUrl(), o.databaseUser(), o.databasePassword());
    }

    /** Certifies node 2's key, stages node 1's files, and returns node 2's share. */
    private Bundle grant(Options o, LocalNode me, ClusterTls.Authority ca, Offer offer, ClusterSettings s,
                         SetupFiles files) throws SetupException {
        Instant now = clock.instant();
        try {
            X509Certificate two = Pki.issue(ca.certificate(), ca.key(), publicKey(offer.publicKey()), Pki.Usage.NODE,
                    List.of(offer.hostName()), List.of(offer.address()), now, ClusterTls.NODE_VALIDITY);
            files.dataFolder(me.dataDir(), "internal".equals(s.database()));
            files.tls(me.dataDir(), ca.certificate(), ca.key(),
                    ca.issueNode(List.of(me.hostName()), List.of(me.address()), now));
            Path console = files.folder(me.consoleDir());
            CertificateSet.create(console, s.name(), consoleNames(me, offer), consoleIps(me, offer, s.vip()), clock);
            NodeFiles.stage(files, 1, s, me);
            Map<String, String> consoleFiles = new LinkedHashMap<>();
            for (String f : SecondaryStep.CONSOLE_FILES) {
                consoleFiles.put(f, Files.readString(console.resolve(f)));
            }
            return new Bundle(s, Pem.of(ca.certificate()), Pem.of(ca.key()), Pem.of(two), consoleFiles);
        } catch (IOException | GeneralSecurityException e) {
            throw new SetupException("node 1 cannot prepare its files (" + e.getMessage() + "): nothing was changed"
                    + " on either node; check that " + me.configDir() + " and " + me.dataDir() + " are writable", e);
        }
    }

    private static List<String> consoleNames(LocalNode me, Offer offer) {
        List<String> names = new ArrayList<>(List.of(me.hostName()));
        if (!names.contains(offer.hostName())) {
            names.add(offer.hostName());
        }
        return names;
    }

    private static List<String> consoleIps(LocalNode me, Offer offer, String vip) {
        List<String> ips = new ArrayList<>();
        if (vip != null) {
            ips.add(vip.substring(0, vip.indexOf('/')));
        }
        for (String a : List.of(me.address(), offer.address())) {
            if (!ips.contains(a)) {
                ips.add(a);
            }
        }
        return ips;
    }

    private static PublicKey publicKey(String base64) throws SetupException {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                    .decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SetupException("node 2 offered a key that is not an EC public key: run both steps again");
        }
    }

    private String firstIpv4(String host) throws SetupException {
        try {
            for (InetAddress a : net.resolve(host)) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        } catch (UnknownHostException e) {
            // refused below
        }
        throw new SetupException(host + " has no IPv4 address on this machine: give node 2's FQDN, host name or IPv4"
                + " address, and add it to DNS or /etc/hosts");
    }
}
