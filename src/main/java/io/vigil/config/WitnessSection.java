package io.vigil.config;

/**
 * The witness that grants leases so only one node runs the services during a network split
 * (SPEC §4). Absent from the configuration means no witness.
 *
 * <p>Either a `vigil witness` lease service ({@code address}, {@code port}) or a ping target
 * ({@code ping}, e.g. the gateway) for sites without a third machine; never both. A ping target
 * cannot refuse a lease to one node because the other holds it, so it protects against an
 * isolated node but not against a split of the heartbeat links alone: see
 * {@code io.vigil.witness.PingWitnessClient} and {@link VigilConfig#warnings()}.
 *
 * @param address the lease service's host (null with a ping target)
 * @param port    the lease service's UDP port (0 with a ping target)
 * @param ping    the IPv4 address to ping (null with a lease service)
 */
public record WitnessSection(String address, int port, String ping) {

    /** A `vigil witness` lease service. */
    public WitnessSection(String address, int port) {
        this(address, port, null);
    }

    /** A ping-target witness. */
    public static WitnessSection pingTarget(String ip) {
        return new WitnessSection(null, 0, ip);
    }

    public boolean isPing() {
        return ping != null;
    }

    /** For summaries: "witness 10.0.0.3:4850" or "ping witness 10.0.0.1". */
    public String describe() {
        return isPing() ? "ping witness " + ping : "witness " + address + ":" + port;
    }
}
