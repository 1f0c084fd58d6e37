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
 */
public record ConsoleSection(String bindAddress, int port, String password, Path passwordFile, Path certificate,
                             Path privateKey, Path metricsTokenFile) {

    /** HTTPS (SPEC §11: 9453) when a certificate is configured, else HTTP (9010). */
    public boolean https() {
        return certificate != null;
    }

    @Override
    public String toString() {
        return "ConsoleSection[bindAddress=" + bindAddress + ", port=" + port + ", password="
                + (password == null ? "null" : ClusterSection.REDACTED) + ", passwordFile=" + passwordFile + ", certificate=" + certificate + ", privateKey=" + privateKey
                + ", metricsTokenFile=" + metricsTokenFile + "]";
    }
}
