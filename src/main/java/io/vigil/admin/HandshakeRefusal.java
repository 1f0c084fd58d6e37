package io.vigil.admin;

import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;

/**
 * Why the admin channel refused a TLS handshake, in words an operator can act on (issue 12: the
 * node logs who was refused and why). The JDK reports these as exception messages; the known
 * ones are turned into the reason and the fix, anything else is quoted.
 *
 * @param category a short fixed word for the rate-limited summary, never text from the client
 * @param detail   the full sentence for the log
 */
record HandshakeRefusal(String category, String detail) {

    static HandshakeRefusal reason(Throwable e, boolean deadlinePassed, long deadlineMs) {
        if (deadlinePassed) {
            return new HandshakeRefusal("slow handshake", "no TLS handshake within " + deadlineMs / 1000.0
                    + " s (a vigil older than admin protocol 3 waits for a plain-text greeting and sends nothing:"
                    + " give both nodes the same Vigil version)");
        }
        String all = messages(e);
        String text = all.toLowerCase(Locale.ROOT);
        if (text.contains("empty client certificate chain") || text.contains("certificate_required")) {
            return new HandshakeRefusal("no certificate", "it offered no client certificate of this cluster's CA"
                    + " (none at all, or only one of another CA or a server-only one, which a Java client leaves"
                    + " out); only a node holding a node certificate of this cluster's CA may use the admin channel"
                    + " (pair the nodes with vigil setup)");
        }
        if (text.contains("extended key usage") || text.contains("keyusage") || text.contains("key usage")) {
            return new HandshakeRefusal("not a node certificate", "its certificate is not a cluster node's (a"
                    + " server-only certificate, such as the console's, cannot be used as a client here)");
        }
        if (text.contains("validity") || text.contains("expired") || text.contains("notafter")
                || text.contains("not yet valid")) {
            return new HandshakeRefusal("certificate out of date", "its certificate is expired or not yet valid"
                    + " (check both clocks; renew the node certificates)");
        }
        if (text.contains("pkix") || text.contains("certification path") || text.contains("signature check")) {
            return new HandshakeRefusal("other CA", "its certificate was not issued by this cluster's CA (a node"
                    + " of another cluster, or paired again since: pair the nodes again with vigil setup)");
        }
        if (text.contains("received fatal alert")) {
            // The client ended the handshake: it did not accept this node's certificate.
            return new HandshakeRefusal("client refused us", "it refused this node's certificate (" + alert(text)
                    + "): it trusts another CA (a node of another cluster, or paired again since: pair the nodes"
                    + " again with vigil setup)");
        }
        if (text.contains("unsupported or unrecognized ssl message") || text.contains("plaintext")) {
            return new HandshakeRefusal("not TLS", "it does not speak TLS (a vigil older than admin protocol 3,"
                    + " or not a vigil node): give both nodes the same Vigil version");
        }
        if (text.contains("protocol") && (text.contains("not accepted") || text.contains("not enabled")
                || text.contains("not supported"))) {
            return new HandshakeRefusal("not TLS 1.3", "it does not offer TLS 1.3, the only version accepted");
        }
        if (text.contains("terminated the handshake") || text.contains("eof") || text.contains("broken pipe")
                || text.contains("connection reset")) {
            return new HandshakeRefusal("closed during handshake", "it closed the connection during the TLS"
                    + " handshake (it may not trust this node's certificate: another cluster's CA?)");
        }
        return new HandshakeRefusal("handshake failed", "the TLS handshake failed: " + cut(firstLine(all)));
    }

    /** Who the client is once its certificate is proven: its subject, for the commands log. */
    static String subject(SSLSocket s) {
        try {
            X509Certificate c = (X509Certificate) s.getSession().getPeerCertificates()[0];
            return c.getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return "no certificate"; // cannot happen after a handshake that requires one
        }
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 2000; t = t.getCause()) {
            b.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
        }
        return b.toString();
    }

    private static String alert(String text) {
        int i = text.indexOf("received fatal alert: ");
        String rest = text.substring(i + "received fatal alert: ".length());
        int end = rest.indexOf(' ');
        return "TLS alert " + (end < 0 ? rest : rest.substring(0, end));
    }

    private static String cut(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 300 ? clean.substring(0, 300) + "..." : clean;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
