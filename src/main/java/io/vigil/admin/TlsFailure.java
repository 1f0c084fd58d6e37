package io.vigil.admin;

import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * The admin client's TLS failures in words an operator can act on: which side refused which
 * certificate, or that the other end is an older Vigil without TLS.
 */
final class TlsFailure {

    private TlsFailure() {
    }

    /** The server closed before answering our hello: what {@link AdminServer} does when busy. */
    static boolean closedByServer(java.io.IOException e) {
        String m = all(e);
        return m.contains("terminated the handshake") || m.contains("eofexception") || m.contains("broken pipe")
                || m.contains("connection reset");
    }

    /** Our handshake failed: we refused the node's certificate, or it is no TLS server. */
    static AdminException handshake(String address, SSLException e) {
        String m = all(e);
        if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext")) {
            return new AdminException(AdminException.Kind.ERROR, "node at " + address + " does not speak TLS: it runs"
                    + " a Vigil older than admin protocol " + AdminProtocol.TLS_SINCE + ", or it is not a vigil admin"
                    + " port. Give both nodes (and the CLI) the same Vigil version", e);
        }
        if (m.contains("no subject alternative") || m.contains("no name matching")) {
            return new AdminException(AdminException.Kind.AUTH, "node at " + address + " proved a certificate that"
                    + " does not name " + host(address) + ": set peer.adminAddress to an address its certificate"
                    + " names (the one given at pairing), or renew the node certificates", e);
        }
        if (m.contains("pkix") || m.contains("certification path") || m.contains("signature check")) {
            return new AdminException(AdminException.Kind.AUTH, "node at " + address + " holds a certificate of"
                    + " another CA than this cluster's: it belongs to another cluster, or was paired again; pair"
                    + " the nodes again (vigil setup)", e);
        }
        if (m.contains("validity") || m.contains("expired") || m.contains("not yet valid")) {
            return new AdminException(AdminException.Kind.AUTH, "node at " + address + " holds an expired or not yet"
                    + " valid certificate: check both clocks, renew the node certificates", e);
        }
        return afterHandshake(address, e);
    }

    /** The node's fatal alert after our part of the handshake: it refused our certificate. */
    static AdminException afterHandshake(String address, SSLException e) {
        String m = all(e);
        if (m.contains("bad_certificate") || m.contains("certificate_unknown") || m.contains("certificate_required")
                || m.contains("unsupported_certificate") || m.contains("certificate_expired")) {
            return new AdminException(AdminException.Kind.AUTH, "node at " + address + " refused this node's"
                    + " certificate (" + alert(m) + "): both nodes must hold certificates of one cluster CA; pair"
                    + " them again (vigil setup). The refusing node's module log says why", e);
        }
        return new AdminException(AdminException.Kind.ERROR, "TLS with the node at " + address + " failed: "
                + e.getMessage(), e);
    }

    /** The node closed the connection between the handshake and its greeting. */
    static AdminException closedAfterHandshake(String address, java.io.IOException e) {
        return new AdminException(AdminException.Kind.AUTH, "node at " + address + " refused this node's certificate"
                + " (it closed the connection right after the TLS handshake, before its greeting): both nodes must"
                + " hold node certificates of one cluster CA; pair them again (vigil setup). The refusing node's"
                + " module log says why", e);
    }

    private static String alert(String m) {
        int i = m.indexOf("received fatal alert: ");
        if (i < 0) {
            return "TLS alert";
        }
        String rest = m.substring(i + "received fatal alert: ".length());
        int end = rest.indexOf(' ');
        return "TLS alert " + (end < 0 ? rest : rest.substring(0, end));
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    private static String all(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 2000; t = t.getCause()) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" ");
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
