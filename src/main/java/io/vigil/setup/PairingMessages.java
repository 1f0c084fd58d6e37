package io.vigil.setup;

import java.util.List;
import java.util.Map;

/**
 * What the two nodes say to each other while pairing (port 9001), in order. The first four are
 * the J-PAKE rounds and node 2's verdict, in the clear (a PAKE's messages reveal nothing about
 * the code); everything after is sealed under the key the PAKE agreed.
 */
final class PairingMessages {
    /** Bumped when the exchange changes; both nodes must speak the same one. */
    static final int PROTOCOL = 1;

    private PairingMessages() {
    }

    /** J-PAKE round 1 (numbers in hex). {@code protocol} lets a node refuse an exchange it does not speak. */
    record Round1(int protocol, String id, String gx1, String gx2, List<String> proof1, List<String> proof2) { }

    /** J-PAKE round 2. */
    record Round2(String id, String a, List<String> proof) { }

    /** J-PAKE round 3: the key confirmation tag. */
    record Round3(String id, String mac) { }

    /** Node 2's answer to node 1's key confirmation, before it sends its own. */
    record Verdict(boolean ok, String message) { }

    /**
     * Sealed, node 2 to node 1: who node 2 is and what it serves, and the public key node 1 is to
     * certify (its private key never leaves node 2).
     */
    record Offer(String version, long clockMillis, String hostName, String address, int adminPort,
                 int consolePort, int databasePort, String publicKey) {
        /** The same offer with node 2's clock read now, as it is sent (the session may wait 30 minutes). */
        Offer now() {
            return new Offer(version, System.currentTimeMillis(), hostName, address, adminPort, consolePort,
                    databasePort, publicKey);
        }
    }

    /**
     * Sealed, node 1 to node 2: everything node 2 needs to join, or why node 1 will not pair with
     * it (different versions, clocks apart): exactly one of the two is set.
     */
    record Grant(Bundle bundle, String refusal) { }

    /** Sealed, node 2 to node 1: whether node 2 installed the bundle. */
    record Installed(boolean ok, String message) { }

    /**
     * What node 1 gives node 2 at pairing.
     *
     * @param cluster       the shared settings both configurations need
     * @param caCertificate the cluster CA, PEM
     * @param caKey         its key, PEM (both nodes hold it: see {@code ClusterTls})
     * @param nodeCertificate node 2's certificate for the key it offered, PEM
     * @param consoleFiles  the console's certificate set ({@code CertificateSet} file name to PEM), without the CA key
     */
    record Bundle(ClusterSettings cluster, String caCertificate, String caKey, String nodeCertificate,
                  Map<String, String> consoleFiles) {
        @Override
        public String toString() {
            return "Bundle[cluster=" + cluster + ", keys=<redacted>]";
        }
    }
}
