package io.vigil.config;

/**
 * The local admin channel used by the CLI (SPEC §11: local admin 6259).
 *
 * @param bindAddress IPv4 literal, default 127.0.0.1 so the channel is not exposed by accident
 * @param port        default 6259
 */
public record AdminSection(String bindAddress, int port) {
}
