package io.vigil.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where, besides the VMS event server, the node sends its state changes, failovers and alarms
 * (issue 15): webhooks, syslog collectors and SNMP managers. Every list may be empty.
 */
public record NotificationsSection(List<Webhook> webhooks, List<Syslog> syslog, List<Snmp> snmp, SnmpAgent agent) {
    public static final NotificationsSection NONE = new NotificationsSection(List.of(), List.of(), List.of());

    public NotificationsSection {
        webhooks = List.copyOf(webhooks);
        syslog = List.copyOf(syslog);
        snmp = List.copyOf(snmp);
    }

    /** Without the SNMP agent (off by default). */
    public NotificationsSection(List<Webhook> webhooks, List<Syslog> syslog, List<Snmp> snmp) {
        this(webhooks, syslog, snmp, null);
    }

    /** Whether no event goes anywhere besides the event server (the agent only answers questions). */
    public boolean isEmpty() {
        return webhooks.isEmpty() && syslog.isEmpty() && snmp.isEmpty();
    }

    /**
     * A JSON POST per event, signed with HMAC-SHA256 of the key in {@code secretFile}.
     * @param timeoutMs connect and answer timeout of one attempt
     */
    public record Webhook(URI url, Path secretFile, int timeoutMs) {
    }

    /** RFC 5424 messages over UDP (RFC 5426, unacknowledged) or TCP (RFC 6587 octet counting). */
    public record Syslog(String host, int port, Protocol protocol, int facility) {
        public enum Protocol { UDP, TCP }
    }

    /**
     * SNMP v2c notifications: traps (unacknowledged) or informs (acknowledged, so retried).
     * @param communityFile the community string, kept out of the configuration like other secrets
     */
    public record Snmp(String host, int port, Path communityFile, boolean inform) {
    }

    /**
     * The optional SNMP v2c agent (SPEC §11: UDP 3600): answers GET and GETNEXT for the node's
     * state in VIGIL-MIB; requests with another community get no answer.
     * @param communityFile the community managers must send, kept out of the configuration
     */
    public record SnmpAgent(String bindAddress, int port, Path communityFile) {
    }
}
