package io.vigil.notify;

import io.vigil.config.NotificationsSection;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * An SNMP manager: v2c notifications as VIGIL-MIB defines them (packaging/mib/VIGIL-MIB.txt).
 * A trap is sent once and never acknowledged; an inform is answered by the manager, so one that
 * is down is retried until it answers. The community string comes from a file, like other secrets.
 */
final class SnmpSink implements Sink, AutoCloseable {
    /** 1.3.6.1.4.1.32473 is RFC 5612's example enterprise; .7 is Vigil's subtree in it. */
    static final OID VIGIL = new OID("1.3.6.1.4.1.32473.7");
    static final OID NOTIFICATIONS = new OID(VIGIL).append(0);
    static final OID EVENT_ID = new OID(VIGIL).append("1.1");
    static final OID EVENT_TYPE = new OID(VIGIL).append("1.2");
    static final OID SEVERITY = new OID(VIGIL).append("1.3");
    static final OID SOURCE = new OID(VIGIL).append("1.4");
    static final OID MESSAGE = new OID(VIGIL).append("1.5");
    static final OID TIME = new OID(VIGIL).append("1.6");
    private static final long STARTED = System.nanoTime();

    private final NotificationsSection.Snmp config;
    private final String community;
    private Snmp snmp;

    SnmpSink(NotificationsSection.Snmp config) throws IOException {
        this.config = config;
        try {
            this.community = Files.readString(config.communityFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("notifications.snmp: cannot read the community file " + config.communityFile()
                    + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String name() {
        return "snmp " + (config.inform() ? "inform" : "trap") + " " + config.host() + ":" + config.port();
    }

    /** The notification OID of an event type: stateChanged .0.1, failover .0.2, alarm .0.3, other .0.9. */
    static OID notification(String type) {
        int n = switch (type) {
            case "state-changed" -> 1;
            case "failover" -> 2;
            case "alarm" -> 3;
            default -> 9;
        };
        return new OID(NOTIFICATIONS).append(n);
    }

    @Override
    public int deliver(List<ClusterEvent> events) throws IOException, InterruptedException {
        if (snmp == null) {
            snmp = new Snmp(new DefaultUdpTransportMapping());
            snmp.listen(); // informs are answered on the sending socket
        }
        CommunityTarget<UdpAddress> target = new CommunityTarget<>(
                new UdpAddress(InetAddress.getByName(config.host()), config.port()), new OctetString(community));
        target.setVersion(SnmpConstants.version2c);
        target.setRetries(1);
        target.setTimeout(1_500);
        return Sink.oneByOne(events, e -> send(target, e));
    }

    private void send(CommunityTarget<UdpAddress> target, ClusterEvent e) throws IOException {
        PDU pdu = new PDU();
        pdu.setType(config.inform() ? PDU.INFORM : PDU.TRAP);
        pdu.add(new VariableBinding(SnmpConstants.sysUpTime, new TimeTicks((System.nanoTime() - STARTED) / 10_000_000L)));
        pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, notification(e.type())));
        pdu.add(new VariableBinding(EVENT_ID, new OctetString(e.eventId())));
        pdu.add(new VariableBinding(EVENT_TYPE, new OctetString(e.type())));
        pdu.add(new VariableBinding(SEVERITY, new OctetString(e.severity())));
        pdu.add(new VariableBinding(SOURCE, new OctetString(e.source())));
        pdu.add(new VariableBinding(MESSAGE, new OctetString(e.message())));
        pdu.add(new VariableBinding(TIME, new OctetString(e.at())));
        ResponseEvent<UdpAddress> r = snmp.send(pdu, target);
        if (config.inform()) {
            if (r == null || r.getResponse() == null) {
                throw new IOException("no answer to the inform (manager down or wrong community?)");
            }
            if (r.getResponse().getErrorStatus() != PDU.noError) {
                throw new IOException("the manager answered " + r.getResponse().getErrorStatusText());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (snmp != null) {
            snmp.close();
        }
    }
}
