package io.vigil.config;

/**
 * The cluster address (SPEC §4).
 *
 * @param address   IPv4 with prefix, e.g. 10.0.0.10/24; a 127.x address is loopback mode
 * @param iface     the interface on the nodes' subnet that carries it (not needed in loopback mode)
 */
public record VipSection(String address, String iface) {
}
