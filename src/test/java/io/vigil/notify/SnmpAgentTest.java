package io.vigil.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.admin.FakeNode;
import io.vigil.config.NotificationsSection;
import io.vigil.core.Effect;
import io.vigil.security.PrivateFiles;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.PDUv1;
import org.snmp4j.Snmp;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/** The optional SNMP agent, asked by snmp4j as the manager over a real UDP port. */
class SnmpAgentTest {
    static final String COMMUNITY = "agent-community-4f1c";
    static final OID NODE = new OID("1.3.6.1.4.1.32473.7.3");
    static final Instant FAILOVER_AT = Instant.parse("2026-12-07T21:04:05Z");

    @TempDir
    Path tmp;
    final List<String> log = new CopyOnWriteArrayList<>();
    SnmpAgent agent;
    Snmp manager;
    UdpAddress address;

    @BeforeEach
    void start() throws IOException {
        Path community = tmp.resolve("community");
        PrivateFiles.writeString(community, COMMUNITY + "\n");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        agent = SnmpAgent.start(new NotificationsSection.SnmpAgent("127.0.0.1", port, community),
                FakeNode.primary(1)::status, Clock.fixed(FAILOVER_AT, ZoneOffset.UTC), log::add);
        address = new UdpAddress(InetAddress.getLoopbackAddress(), port);
        manager = new Snmp(new DefaultUdpTransportMapping());
        manager.listen();
    }

    @AfterEach
    void stop() throws IOException {
        manager.close();
        agent.close();
    }

    private CommunityTarget<UdpAddress> target(String community, int version) {
        CommunityTarget<UdpAddress> t = new CommunityTarget<>(address, new OctetString(community));
        t.setVersion(version);
        t.setRetries(1);
        t.setTimeout(5_000); // a loaded CI machine; a wrong community waits this long for nothing
        return t;
    }

    /** For requests that must get no answer: one try, and a shorter wait for nothing. */
    private CommunityTarget<UdpAddress> once(String community, int version) {
        CommunityTarget<UdpAddress> t = target(community, version);
        t.setRetries(0);
        t.setTimeout(2_000);
        return t;
    }

    private PDU ask(int type, String community, OID... oids) throws IOException {
        PDU pdu = new PDU();
        pdu.setType(type);
        for (OID o : oids) {
            pdu.add(new VariableBinding(o));
        }
        ResponseEvent<UdpAddress> r = manager.send(pdu, target(community, SnmpConstants.version2c));
        return r.getResponse();
    }

    private static OID node(int object) {
        return new OID(NODE).append(object).append(0);
    }

    @Test
    void getAnswersTheNodeStateAndUnknownObjectsAreNoSuchObject() throws Exception {
        PDU r = ask(PDU.GET, COMMUNITY, node(1), node(2), node(3), node(4), node(5), node(6), new OID(NODE).append(99));
        assertThat(r).as("an answer within the timeout").isNotNull();
        assertThat(r.getErrorStatus()).isEqualTo(PDU.noError);
        assertThat(r.get(0).getVariable().toInt()).as("vigilNodeId").isEqualTo(1);
        assertThat(r.get(1).getVariable().toInt()).as("vigilNodeState prim(1)").isEqualTo(1);
        assertThat(r.get(2).getVariable().toString()).as("vigilNodeStateName").isEqualTo("PRIM");
        assertThat(r.get(3).getVariable().toInt()).as("vigilPeerState second(2)").isEqualTo(2);
        assertThat(r.get(4).getVariable().toInt()).as("vigilPeerReachable true(1)").isEqualTo(1);
        assertThat(r.get(5).getVariable().toLong()).as("vigilEpoch").isEqualTo(7);
        assertThat(r.get(6).getVariable()).isEqualTo(Null.noSuchObject);
    }

    @Test
    void aWalkWithGetNextVisitsExactlyTheObjectsTheMibDeclaresThenEnds() throws Exception {
        List<OID> walked = new ArrayList<>();
        OID cursor = NODE;
        while (true) {
            PDU r = ask(PDU.GETNEXT, COMMUNITY, cursor);
            assertThat(r).as("an answer after " + cursor).isNotNull();
            VariableBinding vb = r.get(0);
            if (vb.getVariable().equals(Null.endOfMibView) || !vb.getOid().startsWith(NODE)) {
                break;
            }
            walked.add(vb.getOid());
            cursor = vb.getOid();
            assertThat(walked).as("the walk ends").hasSizeLessThan(100);
        }
        assertThat(walked).containsExactlyElementsOf(declaredInMib());
        PDU bulk = new PDU();
        bulk.setType(PDU.GETBULK);
        bulk.setMaxRepetitions(50);
        bulk.add(new VariableBinding(NODE));
        PDU r = manager.send(bulk, target(COMMUNITY, SnmpConstants.version2c)).getResponse();
        assertThat(r.getVariableBindings().stream().filter(vb -> !vb.getVariable().equals(Null.endOfMibView))
                .map(VariableBinding::getOid).filter(o -> o.startsWith(NODE)))
                .as("GETBULK (snmpbulkwalk) sees the same objects").containsExactlyElementsOf(walked);
    }

    /** The vigilNode objects of packaging/mib/VIGIL-MIB.txt, as instance OIDs in order. */
    private static List<OID> declaredInMib() throws IOException {
        String mib = Files.readString(Path.of("packaging/mib/VIGIL-MIB.txt"));
        Matcher m = Pattern.compile("\\n(vigil\\w+) OBJECT-TYPE[^:]*?MAX-ACCESS\\s+read-only.*?::= \\{ vigilNode (\\d+) }",
                Pattern.DOTALL).matcher(mib);
        List<OID> declared = new ArrayList<>();
        while (m.find()) {
            declared.add(node(Integer.parseInt(m.group(2))));
        }
        assertThat(declared).as("the MIB declares the node objects").hasSizeGreaterThan(10);
        declared.sort(null);
        return declared;
    }

    @Test
    void aWrongCommunityGetsNoAnswerAndIsCounted() throws Exception {
        PDU get = new PDU();
        get.setType(PDU.GET);
        get.add(new VariableBinding(node(2)));
        assertThat(manager.send(get, once("public", SnmpConstants.version2c)).getResponse())
                .as("no answer to a wrong community").isNull();
        // The agent counts on its own thread; on a loaded machine that may come after the manager gave up.
        org.awaitility.Awaitility.await("the request reached the agent and was refused")
                .atMost(java.time.Duration.ofSeconds(30)).until(() -> agent.badCommunities() == 1);
        PDU r = ask(PDU.GET, COMMUNITY, node(13));
        assertThat(r.get(0).getVariable().toLong()).as("vigilAgentBadCommunities").isEqualTo(1);
        assertThat(log).anyMatch(l -> l.contains("wrong community") && !l.contains(COMMUNITY) && !l.contains("public"));
    }

    @Test
    void setIsRefusedAndV1IsNotAnswered() throws Exception {
        PDU set = new PDU();
        set.setType(PDU.SET);
        set.add(new VariableBinding(node(8), new org.snmp4j.smi.Integer32(2)));
        PDU r = manager.send(set, target(COMMUNITY, SnmpConstants.version2c)).getResponse();
        assertThat(r.getErrorStatus()).isEqualTo(PDU.notWritable);
        PDU v1 = new PDUv1();
        v1.setType(PDU.GET);
        v1.add(new VariableBinding(node(2)));
        assertThat(manager.send(v1, once(COMMUNITY, SnmpConstants.version1)).getResponse())
                .as("SNMP v1 is not spoken").isNull();
    }

    @Test
    void theLastFailoverTimeIsEmptyUntilThisNodeTakesOver() throws Exception {
        assertThat(ask(PDU.GET, COMMUNITY, node(10)).get(0).getVariable().toString()).isEmpty();
        agent.onEffect(new Effect.FailoverPerformed("peer lost", 1200));
        assertThat(ask(PDU.GET, COMMUNITY, node(10)).get(0).getVariable().toString()).isEqualTo(FAILOVER_AT.toString());
    }
}
