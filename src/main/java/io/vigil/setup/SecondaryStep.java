package io.vigil.setup;

import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClusterTls;
import io.vigil.pki.Pki;
import io.vigil.setup.PairingMessages.Bundle;
import io.vigil.setup.PairingMessages.Offer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code vigil setup secondary} on node 2 (SPEC §6 step 1): checks this machine, makes node 2's
 * key (it never leaves the node), prints a one-time code and waits for node 1 to pair. What node
 * 1 sends is installed all at once, after the same checks with node 1's address known; until
 * then nothing is written, so Ctrl-C or a timeout leaves the node as it was.
 */
public final class SecondaryStep {
    /** Console files node 1 may send; anything else (a path, the console CA's key) is refused. */
    static final Set<String> CONSOLE_FILES = Set.of(CertificateSet.CA, CertificateSet.SERVER,
            CertificateSet.SERVER_KEY, CertificateSet.EXPORT);

    /**
     * @param node        this node
     * @param loopback    both nodes on one machine (see {@link Prechecks})
     * @param pairingPort where to wait for node 1 (SPEC §11: 9001)
     * @param timeout     how long the code stays valid
     * @param version     this node's Vigil version (node 1 refuses another)
     */
    public record Options(LocalNode node, boolean loopback, int pairingPort, Duration timeout, String version) { }

    private final Prerequisites prerequisites;
    private final SetupNetwork net;

    public SecondaryStep(Prerequisites prerequisites, SetupNetwork net) {
        this.prerequisites = prerequisites;
        this.net = net;
    }

    /**
     * Runs the step. {@code out} gets the checks, the code (once node 2 listens) and progress.
     *
     * @return what node 1 decided for the cluster
     */
    public ClusterSettings run(Options o, Consumer<String> out) throws SetupException {
        LocalNode me = o.node();
        Prechecks.require(prerequisites, new SetupPlan(me.hostName(), me.hostName(), null, false,
                Prechecks.ports(2, me, 0, "none", o.pairingPort())), o.loopback(), out);
        KeyPair key;
        try {
            key = Pki.newKey();
        } catch (GeneralSecurityException e) {
            throw new SetupException("cannot make this node's key (" + e.getMessage() + ")", e);
        }
        Offer offer = new Offer(o.version(), 0, me.hostName(), me.address(), me.adminPort(), me.consolePort(),
                me.databasePort(), Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));
        SecurityCode code = SecurityCode.random();
        try (PairingServer server = PairingServer.listen(new InetSocketAddress(me.address(), o.pairingPort()))) {
            out.accept("Security code: " + code.display());
            out.accept("On node 1, run `vigil setup primary --peer " + me.address()
                    + (o.pairingPort() == 9001 ? "" : " --peer-pairing-port " + o.pairingPort())
                    + "` and type this code. Waiting up to " + PairingServer.describe(o.timeout())
                    + " on port " + server.port() + " (Ctrl-C stops; nothing is changed until node 1 pairs).");
            Bundle b = server.await(code, offer, o.timeout(), bundle -> install(o, key, bundle, out), out);
            out.accept("paired with node 1 (" + b.cluster().node1().hostName() + "); run `vigil setup finish` on this"
                    + " node to start it");
            return b.cluster();
        }
    }

    private void install(Options o, KeyPair key, Bundle b, Consumer<String> out) throws SetupException {
        ClusterSettings s = b.cluster();
        if (s == null || s.node1() == null || s.node2() == null || s.name() == null || s.database() == null
                || b.caCertificate() == null || b.caKey() == null || b.nodeCertificate() == null
                || b.consoleFiles() == null) {
            throw new SetupException("node 1 sent an incomplete bundle: install the same Vigil version on both nodes");
        }
        LocalNode me = withVipInterface(o.node(), s.vip());
        Prechecks.require(prerequisites, new SetupPlan(me.hostName(), s.node1().address(), s.vip(),
                "internal".equals(s.database()), Prechecks.ports(2, me, s.heartbeatBasePort(), s.database(), 0)),
                o.loopback(), out);
        X509Certificate ca = Pem.certificate(b.caCertificate(), "cluster CA certificate");
        X509Certificate mine = Pem.certificate(b.nodeCertificate(), "node certificate");
        if (!mine.getPublicKey().equals(key.getPublic())) {
            throw new SetupException("node 1 certified another key than the one this node offered: pair again");
        }
        SetupFiles files = new SetupFiles();
        try {
            files.dataFolder(me.dataDir(), "internal".equals(s.database()));
            files.tls(me.dataDir(), ca, Pem.key(b.caKey(), "cluster CA key"),
                    new ClusterTls.Issued(mine, key.getPrivate()));
            Path console = files.folder(me.consoleDir());
            for (Map.Entry<String, String> f : b.consoleFiles().entrySet()) {
                if (!CONSOLE_FILES.contains(f.getKey()) || f.getValue() == null) {
                    throw new SetupException("node 1 sent an unexpected console file '" + f.getKey() + "': refused");
                }
                io.vigil.security.PrivateFiles.writeString(console.resolve(f.getKey()), f.getValue());
            }
            NodeFiles.stage(files, 2, s, me);
        } catch (IOException e) {
            files.abort();
            throw new SetupException("cannot stage this node's files (" + e.getMessage() + "): nothing was changed",
                    e);
        } catch (SetupException e) {
            files.abort();
            throw e;
        }
        files.commit(() -> NodeFiles.verify(me));
    }

    private LocalNode withVipInterface(LocalNode me, String vip) throws SetupException {
        return NodeFiles.withVipInterface(me, vip, net);
    }
}
