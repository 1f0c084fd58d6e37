package io.vigil.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.vigil.config.NotificationsSection;
import io.vigil.core.Effect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15: a failover reaches a webhook, syslog collectors (UDP and TCP) and SNMP managers (trap
 * and inform) with the right fields, and receivers that acknowledge get it once even when they
 * were down for a while. Real sockets, real receivers.
 */
class NotificationSinksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aFailoverReachesEveryReceiverAndThoseThatWereDownGetItOnceWhenBack() throws Exception {
        Path secret = Files.writeString(dir.resolve("webhook.secret"), SECRET + "\n");
        Path community = Files.writeString(dir.resolve("snmp.community"), "vigil-test-community\n");

        // A webhook that fails twice (503) before it accepts: the event must arrive, accepted once.
        List<String> accepted = new CopyOnWriteArrayList<>();
        List<String> signaturesOk = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String ts = x.getRequestHeaders().getFirst("X-Vigil-Timestamp");
            String expected = "v1=" + WebhookSink.sign(SECRET.getBytes(StandardCharsets.UTF_8), ts, body);
            if (expected.equals(x.getRequestHeaders().getFirst("X-Vigil-Signature"))) {
                signaturesOk.add(x.getRequestHeaders().getFirst("X-Vigil-Event-Id"));
            }
            int code = attempts.incrementAndGet() <= 2 ? 503 : 200;
            if (code == 200) {
                accepted.add(body);
            }
            x.sendResponseHeaders(code, -1);
            x.close();
        });
        hook.start();

        DatagramSocket udpSyslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        int tcpSyslogPort = freeTcpPort(); // nothing listens yet: the collector is down
        DatagramSocket trapPortHolder = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        int trapPort = trapPortHolder.getLocalPort();
        trapPortHolder.close();
        int informPort = freeUdpPort(); // the inform manager is down at first

        NotificationsSection config = new NotificationsSection(
                List.of(new NotificationsSection.Webhook(java.net.URI.create("http://127.0.0.1:" + hook.getAddress().getPort()
                        + "/hook"), secret, 2000)),
                List.of(new NotificationsSection.Syslog("127.0.0.1", udpSyslog.getLocalPort(),
                                NotificationsSection.Syslog.Protocol.UDP, 3),
                        new NotificationsSection.Syslog("127.0.0.1", tcpSyslogPort,
                                NotificationsSection.Syslog.Protocol.TCP, 16)),
                List.of(new NotificationsSection.Snmp("127.0.0.1", trapPort, community, false),
                        new NotificationsSection.Snmp("127.0.0.1", informPort, community, true)));
        try (SnmpReceiver traps = new SnmpReceiver(trapPort, "vigil-test-community");
             Notifier n = Notifier.start(null, config, "node2", "vms2", dir.resolve("notify"), Clock.systemUTC(),
                     line -> { })) {
            n.offer(new Effect.FailoverPerformed("peer silent for 3000 ms", 3000));

            // UDP syslog: RFC 5424, daemon.warning = <28>, MSGID failover, the event's fields as SD params.
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            udpSyslog.setSoTimeout(20_000);
            udpSyslog.receive(p);
            String udp = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            assertThat(udp).startsWith("<28>1 ").contains(" vms2 vigil ").contains(" failover [vigil@32473 eventId=\"node2-")
                    .contains("source=\"node2\"").contains("severity=\"warning\"").contains("detectMs=\"3000\"")
                    .contains("\uFEFFnode2 took over the services: peer silent for 3000 ms");

            // SNMP trap: the failover notification OID and the event's objects.
            await("the SNMP trap").atMost(Duration.ofSeconds(20)).until(() -> !traps.pdus.isEmpty());
            PDU trap = traps.pdus.get(0);
            assertThat(trap.getType()).isEqualTo(PDU.TRAP);
            assertThat(trap.getVariable(SnmpConstants.snmpTrapOID).toString()).isEqualTo("1.3.6.1.4.1.32473.7.0.2");
            assertThat(trap.getVariable(SnmpSink.EVENT_TYPE).toString()).isEqualTo("failover");
            assertThat(trap.getVariable(SnmpSink.SOURCE).toString()).isEqualTo("node2");
            assertThat(trap.getVariable(SnmpSink.MESSAGE).toString()).contains("took over the services");

            // The webhook: accepted once, signed, after two refusals.
            await("the webhook accepts the event").atMost(Duration.ofSeconds(30)).until(() -> accepted.size() == 1);
            JsonNode event = JSON.readTree(accepted.get(0));
            assertThat(event.path("type").asText()).isEqualTo("failover");
            assertThat(event.path("source").asText()).isEqualTo("node2");
            assertThat(event.path("data").path("detectMs").asLong()).isEqualTo(3000);
            assertThat(signaturesOk).hasSize(3).allMatch(id -> id.equals(event.path("eventId").asText()));
            String eventId = event.path("eventId").asText();
            assertThat(udp).contains("eventId=\"" + eventId + "\"");
            assertThat(trap.getVariable(SnmpSink.EVENT_ID).toString()).isEqualTo(eventId);

            // The TCP collector and the inform manager come up late: the event waits, then arrives once.
            assertThat(n.pending()).as("events waiting for the TCP collector and the inform manager").isEqualTo(2);
            try (ServerSocket tcp = new ServerSocket(tcpSyslogPort, 5, InetAddress.getLoopbackAddress());
                 SnmpReceiver informs = new SnmpReceiver(informPort, "vigil-test-community")) {
                tcp.setSoTimeout(30_000);
                try (Socket s = tcp.accept()) {
                    String frame = readOctetCounted(new BufferedInputStream(s.getInputStream()));
                    assertThat(frame).startsWith("<132>1 ").contains("eventId=\"" + eventId + "\""); // local0.warning
                }
                await("the inform").atMost(Duration.ofSeconds(30)).until(() -> !informs.pdus.isEmpty());
                assertThat(informs.pdus.get(0).getType()).isEqualTo(PDU.INFORM);
                assertThat(informs.pdus.get(0).getVariable(SnmpSink.EVENT_ID).toString()).isEqualTo(eventId);
                await("nothing left to deliver").atMost(Duration.ofSeconds(10)).until(() -> n.pending() == 0);
                assertThat(informs.pdus).as("an acknowledged inform is not sent again").hasSize(1);
            }
            assertThat(accepted).as("a webhook event is accepted once").hasSize(1);
        } finally {
            hook.stop(0);
            udpSyslog.close();
        }
    }

    @Test
    void aWebhookSecretThatIsMissingOrShortIsRefusedAtStart() throws Exception {
        NotificationsSection.Webhook missing = new NotificationsSection.Webhook(java.net.URI.create("http://127.0.0.1:1/h"),
                dir.resolve("nope"), 1000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebhookSink(missing))
                .hasMessageContaining("cannot read the secret file").hasMessageContaining("nope");
        Path shortOne = Files.writeString(dir.resolve("short"), "abc");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebhookSink(
                        new NotificationsSection.Webhook(java.net.URI.create("http://127.0.0.1:1/h"), shortOne, 1000)))
                .hasMessageContaining("shorter than 16 characters").hasMessageNotContaining("abc");
    }

    private static String readOctetCounted(InputStream in) throws IOException {
        StringBuilder len = new StringBuilder();
        int c;
        while ((c = in.read()) != ' ') {
            if (c < 0) {
                throw new IOException("connection closed in the frame length");
            }
            len.append((char) c);
        }
        return new String(in.readNBytes(Integer.parseInt(len.toString())), StandardCharsets.UTF_8);
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A v2c manager: keeps every notification with the expected community, answers informs. */
    static final class SnmpReceiver implements AutoCloseable {
        final List<PDU> pdus = new CopyOnWriteArrayList<>();
        private final Snmp snmp;

        SnmpReceiver(int port, String community) throws IOException {
            DefaultUdpTransportMapping t = new DefaultUdpTransportMapping(new UdpAddress(InetAddress.getLoopbackAddress(), port));
            snmp = new Snmp(t);
            snmp.addCommandResponder(new CommandResponder() {
                @Override
                public <A extends org.snmp4j.smi.Address> void processPdu(CommandResponderEvent<A> e) {
                    if (!community.equals(new String(e.getSecurityName(), StandardCharsets.UTF_8))) {
                        return;
                    }
                    PDU pdu = e.getPDU();
                    pdus.add(pdu);
                    if (pdu.getType() == PDU.INFORM) {
                        PDU answer = (PDU) pdu.clone();
                        answer.setType(PDU.RESPONSE);
                        answer.setErrorStatus(PDU.noError);
                        answer.setErrorIndex(0);
                        try {
                            e.getMessageDispatcher().returnResponsePdu(e.getMessageProcessingModel(), e.getSecurityModel(),
                                    e.getSecurityName(), e.getSecurityLevel(), answer, e.getMaxSizeResponsePDU(),
                                    e.getStateReference(), new StatusInformation());
                        } catch (org.snmp4j.MessageException ex) {
                            throw new IllegalStateException(ex);
                        }
                    }
                    e.setProcessed(true);
                }
            });
            snmp.listen();
        }

        @Override
        public void close() throws IOException {
            snmp.close();
        }
    }
}
