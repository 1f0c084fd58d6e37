package io.vigil.config;

/**
 * The witness that grants leases so only one node runs the services during a network split
 * (SPEC §4). Absent from the configuration means no witness.
 */
public record WitnessSection(String address, int port) {
}
