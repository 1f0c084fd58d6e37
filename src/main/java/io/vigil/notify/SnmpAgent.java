package io.vigil.notify;

import io.vigil.api.DaemonStatus;
import io.vigil.config.NotificationsSection;
import io.vigil.core.Effect;
import io.vigil.core.NodeState;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * The optional SNMP v2c agent (SPEC §11, UDP 3600; the seed's "safeagent"): answers GET, GETNEXT
 * and GETBULK for the node's state under {@code vigilNode} in VIGIL-MIB, read from the status
 * snapshot (never from the event loop). Read-only: a SET is answered {@code notWritable}. A
 * request with another community gets no answer at all (as RFC 3584 agents do), and is counted in
 * {@code vigilAgentBadCommunities}; SNMP v1 and v3 requests are dropped by the dispatcher.
 */
public final class SnmpAgent implements CommandResponder, AutoCloseable {
    static final OID NODE = new OID(SnmpSink.VIGIL).append(3);
    /** GETBULK max-repetitions is capped: the whole subtree is about a dozen objects. */
    static final int MAX_REPETITIONS = 64;

    private final byte[] community;
    private final Supplier<DaemonStatus> status;
    private final Clock clock;
    private final Consumer<String> log;
    private final AtomicLong badCommunities = new AtomicLong();
    private volatile Instant lastFailover;
    private Snmp snmp;

    SnmpAgent(String community, Supplier<DaemonStatus> status, Clock clock, Consumer<String> log) {
        this.community = community.getBytes(StandardCharsets.UTF_8);
        this.status = status;
        this.clock = clock;
        this.log = log;
    }

    /** Opens the UDP port and answers until {@link #close()}. */
    public static SnmpAgent start(NotificationsSection.SnmpAgent config, Supplier<DaemonStatus> status, Clock clock,
                                  Consumer<String> log) throws IOException {
        String community;
        try {
            community = Files.readString(config.communityFile(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("notifications.snmpAgent: cannot read the community file " + config.communityFile()
                    + " (" + e.getMessage() + ")", e);
        }
        SnmpAgent agent = new SnmpAgent(community, status, clock, log);
        DefaultUdpTransportMapping udp;
        try {
            udp = new DefaultUdpTransportMapping(new UdpAddress(InetAddress.getByName(config.bindAddress()),
                    config.port()));
        } catch (IOException e) {
            throw new IOException("notifications.snmpAgent: cannot open UDP " + config.bindAddress() + ":"
                    + config.port() + " (" + e.getMessage() + "); is another SNMP agent using it?", e);
        }
        MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
        dispatcher.addMessageProcessingModel(new MPv2c());
        agent.snmp = new Snmp(dispatcher, udp);
        agent.snmp.addCommandResponder(agent);
        udp.listen();
        log.accept("SNMP agent answering on UDP " + config.bindAddress() + ":" + config.port() + " (v2c, read-only)");
        return agent;
    }

    /** Remembers when this node last took over the services, for {@code vigilLastFailoverTime}. */
    public void onEffect(Effect effect) {
        if (effect instanceof Effect.FailoverPerformed) {
            lastFailover = clock.instant();
        }
    }

    public long badCommunities() {
        return badCommunities.get();
    }

    @Override
    public void processPdu(CommandResponderEvent event) {
        event.setProcessed(true);
        if (!MessageDigest.isEqual(community, event.getSecurityName())) {
            if (badCommunities.incrementAndGet() == 1) {
                log.accept("SNMP agent: a request from " + event.getPeerAddress() + " with a wrong community got no"
                        + " answer (counted in vigilAgentBadCommunities; this is logged once)");
            }
            return;
        }
        PDU request = event.getPDU();
        if (request == null) {
            return;
        }
        PDU response = answer(request, objects());
        try {
            event.getMessageDispatcher().returnResponsePdu(event.getMessageProcessingModel(),
                    event.getSecurityModel(), event.getSecurityName(), event.getSecurityLevel(), response,
                    event.getMaxSizeResponsePDU(), event.getStateReference(), new StatusInformation());
        } catch (MessageException e) {
            log.accept("SNMP agent: could not answer " + event.getPeerAddress() + ": " + e.getMessage());
        }
    }

    /** The answer to one request over a snapshot of the objects, per RFC 3416 §4.2. */
    static PDU answer(PDU request, SortedMap<OID, Variable> objects) {
        PDU response = new PDU();
        response.setType(PDU.RESPONSE);
        response.setRequestID(request.getRequestID());
        switch (request.getType()) {
            case PDU.GET -> request.getVariableBindings().forEach(vb -> {
                Variable v = objects.get(vb.getOid());
                response.add(new VariableBinding(vb.getOid(), v != null ? v : Null.noSuchObject));
            });
            case PDU.GETNEXT -> request.getVariableBindings().forEach(vb -> response.add(next(objects, vb.getOid())));
            case PDU.GETBULK -> bulk(request, objects, response);
            default -> {
                response.setErrorStatus(PDU.notWritable);
                response.setErrorIndex(1);
                response.addAll(request.getVariableBindings());
            }
        }
        return response;
    }

    private static void bulk(PDU request, SortedMap<OID, Variable> objects, PDU response) {
        var asked = request.getVariableBindings();
        int nonRepeaters = Math.max(0, Math.min(request.getNonRepeaters(), asked.size()));
        int repetitions = Math.max(0, Math.min(request.getMaxRepetitions(), MAX_REPETITIONS));
        for (int i = 0; i < nonRepeaters; i++) {
            response.add(next(objects, asked.get(i).getOid()));
        }
        OID[] cursor = asked.subList(nonRepeaters, asked.size()).stream().map(VariableBinding::getOid)
                .toArray(OID[]::new);
        for (int r = 0; r < repetitions && cursor.length > 0; r++) {
            boolean more = false;
            for (int i = 0; i < cursor.length; i++) {
                VariableBinding vb = next(objects, cursor[i]);
                response.add(vb);
                cursor[i] = vb.getOid();
                more |= !vb.getVariable().equals(Null.endOfMibView);
            }
            if (!more) {
                return;
            }
        }
    }

    private static VariableBinding next(SortedMap<OID, Variable> objects, OID after) {
        for (Map.Entry<OID, Variable> e : objects.tailMap(after).entrySet()) {
            if (e.getKey().compareTo(after) > 0) {
                return new VariableBinding(e.getKey(), e.getValue());
            }
        }
        return new VariableBinding(after, Null.endOfMibView);
    }

    /** The vigilNode objects of VIGIL-MIB, from the newest status snapshot. */
    SortedMap<OID, Variable> objects() {
        DaemonStatus s = status.get();
        var n = s.node();
        SortedMap<OID, Variable> o = new TreeMap<>();
        put(o, 1, new Integer32(n.nodeId()));
        put(o, 2, new Integer32(stateCode(n.state())));
        put(o, 3, new OctetString(String.valueOf(n.state())));
        put(o, 4, new Integer32(n.peerPresent() ? stateCode(n.peerState()) : 0));
        put(o, 5, truth(n.peerPresent()));
        put(o, 6, new Counter64(n.epoch()));
        put(o, 7, new OctetString(String.valueOf(n.sync())));
        put(o, 8, truth(n.failoverEnabled()));
        put(o, 9, new Gauge32(n.recentFailovers()));
        Instant last = lastFailover;
        put(o, 10, new OctetString(last == null ? "" : last.toString()));
        put(o, 11, new TimeTicks(s.uptimeMs() / 10));
        put(o, 12, new OctetString(String.valueOf(n.colour())));
        put(o, 13, new Counter32(badCommunities.get()));
        return o;
    }

    private static void put(SortedMap<OID, Variable> o, int object, Variable v) {
        o.put(new OID(NODE).append(object).append(0), v);
    }

    /** VigilNodeState in the MIB; 0 (unknown) only for a peer this node does not hear. */
    static int stateCode(NodeState s) {
        if (s == null) {
            return 0;
        }
        return switch (s) {
            case PRIM -> 1;
            case SECOND -> 2;
            case ALONE -> 3;
            case STOP -> 4;
            case WAIT -> 5;
        };
    }

    /** SNMPv2-TC TruthValue: true(1), false(2). */
    private static Integer32 truth(boolean b) {
        return new Integer32(b ? 1 : 2);
    }

    @Override
    public void close() {
        if (snmp != null) {
            try {
                snmp.close();
            } catch (IOException e) {
                log.accept("SNMP agent: closing its UDP port failed: " + e.getMessage());
            }
        }
    }
}
