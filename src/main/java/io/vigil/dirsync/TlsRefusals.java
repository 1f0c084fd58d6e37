package io.vigil.dirsync;

import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Why a TLS handshake of directory replication failed, in words an operator can act on: the
 * JDK's messages ("PKIX path building failed: ...") name the mechanism, not the fix. One line,
 * never key material (the JDK's messages hold none).
 */
final class TlsRefusals {

    static final String FIX = "only the peer node, with a certificate of this cluster's CA, may connect;"
            + " if it is the peer, pair the nodes again (vigil setup) so that both hold certificates of one CA";

    private TlsRefusals() {
    }

    /** The server's view: why the connecting side was refused. */
    static String byServer(SSLException e) {
        String m = text(e);
        if (m.contains("empty client certificate chain") || m.contains("certificate_required")) {
            return "it presented no certificate; " + FIX;
        }
        if (m.contains("pkix") || m.contains("certification path") || m.contains("signature check failed")
                || m.contains("certificate_unknown") || m.contains("bad_certificate")) {
            return "its certificate was not issued by this cluster's CA; " + FIX;
        }
        if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext")) {
            return "it does not speak TLS (a Vigil node older than replication protocol " + TlsChannel.TLS_SINCE
                    + ", or another program): install the same Vigil version on both nodes";
        }
        if (m.contains("protocol_version") || m.contains("no appropriate protocol")) {
            return "it does not offer TLS 1.3; " + FIX;
        }
        return "the TLS handshake failed (" + clean(e.getMessage()) + "); " + FIX;
    }

    /** The client's view: why the replication source at {@code host} was not accepted, or did not accept us. */
    static String byClient(SSLException e, String host) {
        String m = text(e);
        if (m.contains("no subject alternative") || m.contains("no name matching")) {
            return "its certificate does not name " + host + ": set replication.peerAddress to an address or name"
                    + " in the peer's certificate (the one given at setup)";
        }
        if (m.contains("pkix") || m.contains("certification path") || m.contains("signature check failed")) {
            return "its certificate was not issued by this cluster's CA: it is not our peer, or the nodes were"
                    + " paired separately; pair them again (vigil setup)";
        }
        if (m.contains("certificate_unknown") || m.contains("bad_certificate") || m.contains("certificate_required")
                || m.contains("unknown_ca")) {
            return "it did not accept this node's certificate (not of its cluster CA): pair the nodes again"
                    + " (vigil setup)";
        }
        if (m.contains("unsupported or unrecognized ssl message") || m.contains("terminated the handshake")
                || m.contains("remote host terminated")) {
            return "it ended the TLS handshake (a Vigil node older than replication protocol " + TlsChannel.TLS_SINCE
                    + ", which has no TLS, or another program): install the same Vigil version on both nodes";
        }
        return "the TLS handshake failed (" + clean(e.getMessage()) + "): check that both nodes run the same Vigil version"
                + " and hold certificates of one cluster CA (vigil setup)";
    }

    /**
     * The JDK's message, kept to one short line: it may quote what the other side sent (names in
     * its certificate), which must not break or flood the log.
     */
    static String clean(String message) {
        String m = String.valueOf(message).replaceAll("\\p{Cntrl}", "?");
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }

    /** The message of {@code e} and its causes, lower case. */
    private static String text(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
