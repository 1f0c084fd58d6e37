package io.vigil.notify;

import io.vigil.config.NotificationsSection;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A syslog collector: RFC 5424 messages, over UDP (RFC 5426: one datagram each, no
 * acknowledgement) or TCP (RFC 6587 octet counting: {@code LEN SP MESSAGE}; a connection that
 * fails is reopened on the next attempt, and the events wait meanwhile). The structured data
 * element {@code vigil@32473} (32473 is the enterprise number RFC 5612 reserves for examples;
 * Vigil has none of its own) carries the event id, source, type and the event's data.
 */
final class SyslogSink implements Sink {
    private static final int APP_TIMEOUT_MS = 5_000;
    private final NotificationsSection.Syslog config;
    private final String hostName;
    private Socket tcp;

    SyslogSink(NotificationsSection.Syslog config, String hostName) {
        this.config = config;
        this.hostName = hostField(hostName);
    }

    @Override
    public String name() {
        return "syslog " + config.protocol().name().toLowerCase(java.util.Locale.ROOT) + "://" + config.host() + ":" + config.port();
    }

    @Override
    public int deliver(List<ClusterEvent> events) throws IOException {
        if (config.protocol() == NotificationsSection.Syslog.Protocol.UDP) {
            try (DatagramSocket s = new DatagramSocket()) {
                InetSocketAddress to = new InetSocketAddress(config.host(), config.port());
                for (ClusterEvent e : events) {
                    byte[] m = format(e, config.facility(), hostName, ProcessHandle.current().pid());
                    s.send(new DatagramPacket(m, m.length, to));
                }
            }
            return events.size();
        }
        try {
            if (tcp == null || tcp.isClosed()) {
                tcp = new Socket();
                tcp.connect(new InetSocketAddress(config.host(), config.port()), APP_TIMEOUT_MS);
                tcp.setSoTimeout(APP_TIMEOUT_MS);
            }
            OutputStream out = tcp.getOutputStream();
            for (ClusterEvent e : events) {
                byte[] m = format(e, config.facility(), hostName, ProcessHandle.current().pid());
                out.write((m.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(m);
            }
            out.flush();
            return events.size();
        } catch (IOException ex) {
            if (tcp != null) {
                tcp.close();
                tcp = null;
            }
            throw new IOException("cannot send to it (" + ex.getMessage() + ")", ex);
        }
    }

    /** One RFC 5424 message: {@code <PRI>1 TIMESTAMP HOST vigil PID MSGID [SD] BOM MSG}. */
    static byte[] format(ClusterEvent e, int facility, String host, long pid) {
        StringBuilder sd = new StringBuilder("[vigil@32473 eventId=\"").append(escape(e.eventId()))
                .append("\" source=\"").append(escape(e.source())).append("\" severity=\"").append(escape(e.severity()))
                .append('"');
        for (Map.Entry<String, Object> d : e.data().entrySet()) {
            if (d.getKey().matches("[A-Za-z0-9_.-]{1,32}")) {
                sd.append(' ').append(d.getKey()).append("=\"").append(escape(String.valueOf(d.getValue()))).append('"');
            }
        }
        sd.append(']');
        String head = "<" + (facility * 8 + severity(e.severity())) + ">1 " + e.at() + " " + host + " vigil " + pid + " "
                + msgId(e.type()) + " " + sd + " ";
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] msg = e.message().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + bom.length + msg.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(bom, 0, all, h.length, bom.length);
        System.arraycopy(msg, 0, all, h.length + bom.length, msg.length);
        return all;
    }

    /** RFC 5424 severities: alarm is critical (2), warning 4, everything else informational (6). */
    static int severity(String s) {
        return switch (s) {
            case "alarm" -> 2;
            case "warning" -> 4;
            default -> 6;
        };
    }

    private static String msgId(String type) {
        String t = type.replaceAll("[^!-~]", "");
        return t.isEmpty() ? "-" : t.substring(0, Math.min(32, t.length()));
    }

    private static String hostField(String host) {
        String h = host == null ? "" : host.replaceAll("[^!-~]", "");
        return h.isEmpty() ? "-" : h.substring(0, Math.min(255, h.length()));
    }

    /** PARAM-VALUE escaping: backslash, double quote and closing bracket. */
    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }
}
