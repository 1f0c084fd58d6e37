package io.vigil.config;

import java.nio.file.Path;

/**
 * The web console and REST API on this node (SPEC §5, §11: HTTP 9010). Absent section: no console.
 * Exactly one of {@code password} and {@code passwordFile} is set — there is no default password
 * (SPEC §7). The file may hold the password itself or a {@code pbkdf2$...} hash of it.
 *
 * <p>{@link #toString()} is overridden so the password never reaches a log through a record print.
 *
 * @param bindAddress  IPv4 literal, default 0.0.0.0 (operators reach the console from their desks)
 * @param port         default 9010
 * @param password     the admin password in the file itself, or null
 * @param passwordFile file holding the password or its hash (absolute), or null
 * @param certificate  PEM server certificate (chain) for HTTPS, or null for plain HTTP
 * @param privateKey   its unencrypted PKCS#8 PEM key; set together with {@code certificate}
 * @param metricsTokenFile file holding the read-only token of metrics scrapers ({@code Authorization: Bearer}),
 *                     which opens {@code GET /api/metrics} and nothing else; or null
 * @param mode         HTTP or HTTPS, and why (issue 12: HTTPS by default once the node is paired)
 */
public record ConsoleSection(String bindAddress, int port, String password, Path passwordFile, Path certificate,
                             Path privateKey, Path metricsTokenFile, Mode mode) {

    /** How the console is served, and why: {@code console.protocol}, the certificate, the node's pairing. */
    public enum Mode {
        /** {@code protocol: http}: plain HTTP because the operator asked for it (warned in the log). */
        HTTP_ASKED,
        /** No certificate configured and the node has no cluster certificates yet (not paired): warned. */
        HTTP_NOT_PAIRED,
        /** {@code certificate} and {@code privateKey}: the site's own PKI. */
        HTTPS_CONFIGURED,
        /** The default once paired: a console certificate issued from the cluster CA at first start. */
        HTTPS_CLUSTER;

        public boolean https() {
            return this == HTTPS_CONFIGURED || this == HTTPS_CLUSTER;
        }
    }

    /** The section as before issue 12: HTTPS exactly when a certificate is configured. */
    public ConsoleSection(String bindAddress, int port, String password, Path passwordFile, Path certificate,
                          Path privateKey, Path metricsTokenFile) {
        this(bindAddress, port, password, passwordFile, certificate, privateKey, metricsTokenFile,
                certificate != null ? Mode.HTTPS_CONFIGURED : Mode.HTTP_NOT_PAIRED);
    }

    /** HTTPS (SPEC §11: 9453) with a configured or a cluster-issued certificate, else HTTP (9010). */
    public boolean https() {
        return mode.https();
    }

    /** The warning plain HTTP deserves (log, {@code vigil config check}), or null under HTTPS. */
    public String plainHttpWarning() {
        return switch (mode) {
            case HTTP_ASKED -> "The console serves plain HTTP (console.protocol: http): its password and session"
                    + " cookie cross the network readable by anyone on the path. Remove 'protocol: http' to serve"
                    + " HTTPS with a certificate of the cluster CA.";
            case HTTP_NOT_PAIRED -> "The console serves plain HTTP: this node has no cluster certificates yet (not"
                    + " paired) and console.certificate is not set. Pair the nodes (vigil setup) to serve HTTPS by"
                    + " default, or set console.certificate and console.privateKey.";
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "ConsoleSection[bindAddress=" + bindAddress + ", port=" + port + ", password="
                + (password == null ? "null" : ClusterSection.REDACTED) + ", passwordFile=" + passwordFile + ", certificate=" + certificate + ", privateKey=" + privateKey
                + ", metricsTokenFile=" + metricsTokenFile + ", mode=" + mode + "]";
    }
}
