package io.vigil.vms.management;

import io.vigil.vms.failover.Effect;
import io.vigil.vms.failover.TakeoverDecider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The failover coordinator's reads and writes in the management database: each effect's cover
 * change and its event in one transaction (the event server serves the {@code events} table the
 * management server shares with it), the covers read back at start, and what a failover server
 * is told to record.
 */
final class FailoverLedger {
    private static final Logger LOG = LoggerFactory.getLogger(FailoverLedger.class);
    static final String SOURCE = "failover-coordinator";

    /** A cover that ended, with when it began (the start of the video to merge back). */
    record Ended(long failoverServerId, long sinceMillis) {
    }

    private FailoverLedger() {
    }

    /** The decision's state as the database holds it: the covers, each down since its cover began. */
    static TakeoverDecider.State decisionState(Connection c) throws SQLException {
        Map<Long, Long> covers = new HashMap<>();
        Map<Long, Instant> since = new HashMap<>();
        try (ResultSet rs = c.createStatement().executeQuery(
                "SELECT recording_server_id, failover_server_id, since FROM failover_covers")) {
            while (rs.next()) {
                covers.put(rs.getLong(1), rs.getLong(2));
                since.put(rs.getLong(1), rs.getTimestamp(3).toInstant());
            }
        }
        return new TakeoverDecider.State(covers, since, Map.of(), Set.of());
    }

    /** Writes the cover; false (and an alarm event) when the database refuses it (the configuration changed meanwhile). */
    static boolean takeOver(Connection c, Effect.TakeOver t) throws SQLException {
        try {
            FailoverCovers.set(c, t.recordingServer(), new FailoverInputs.Cover(t.failoverServer()));
        } catch (ApiError e) {
            LOG.warn("failover: cover of recording server {} by failover server {} refused: {}", t.recordingServer(),
                    t.failoverServer(), e.getMessage());
            return false;
        }
        event(c, "failover-takeover-" + t.recordingServer() + "-" + t.downSince().toEpochMilli(), "failover-takeover",
                "warning", "failover server " + t.failoverServer() + " took over recording server " + t.recordingServer()
                        + " (" + t.route().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                        + "), down since " + t.downSince(),
                Map.of("recordingServerId", t.recordingServer(), "failoverServerId", t.failoverServer(),
                        "route", t.route().name(), "downSince", t.downSince().toString()));
        return true;
    }

    static Ended handBack(Connection c, Effect.HandBack h) throws SQLException {
        Ended was = ended(c, h.recordingServer());
        FailoverCovers.clear(c, h.recordingServer());
        event(c, "failover-handback-" + h.recordingServer() + "-" + (was == null ? 0 : was.sinceMillis()),
                "failover-handback", "info", "recording server " + h.recordingServer() + " is back; failover server "
                        + h.failoverServer() + " handed it back",
                Map.of("recordingServerId", h.recordingServer(), "failoverServerId", h.failoverServer()));
        return was;
    }

    static Void coverLost(Connection c, Effect.CoverLost l) throws SQLException {
        Ended was = ended(c, l.recordingServer());
        FailoverCovers.clear(c, l.recordingServer());
        event(c, "failover-cover-lost-" + l.recordingServer() + "-" + (was == null ? 0 : was.sinceMillis()),
                "failover-cover-lost", "alarm", "failover server " + l.failoverServer() + " died while covering"
                        + " recording server " + l.recordingServer() + "; another is chosen if one is available",
                Map.of("recordingServerId", l.recordingServer(), "failoverServerId", l.failoverServer()));
        return null;
    }

    static Void uncovered(Connection c, Effect.Uncovered u) throws SQLException {
        event(c, "failover-uncovered-" + u.recordingServer() + "-" + Instant.now().toEpochMilli(), "failover-uncovered",
                "alarm", "recording server " + u.recordingServer() + " is down and not covered: " + u.reason()
                        + "; its devices are not recorded until it returns or a failover server is free",
                Map.of("recordingServerId", u.recordingServer(), "reason", u.reason()));
        return null;
    }

    /** What a failover server is sent to cover {@code recordingServerId}: every device and its failover support. */
    static Map<String, Object> coverOrder(Connection c, long recordingServerId) throws SQLException {
        Configuration.RecordingServer server = Configuration.server(c, recordingServerId);
        List<Map<String, Object>> devices = new ArrayList<>();
        for (Configuration.Device d : Configuration.devices(c, recordingServerId)) {
            devices.add(Map.of("device", d, "support", FailoverAssignments.support(c, d.id()).support()));
        }
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("recordingServerId", recordingServerId);
        order.put("recordingServerName", server.name());
        order.put("devices", devices);
        return order;
    }

    /** The devices a failover server records for the recording server (support "full"): what is merged back. */
    static List<Long> recordedDevices(Connection c, long recordingServerId) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (Configuration.Device d : Configuration.devices(c, recordingServerId)) {
            if (d.enabled() && "full".equals(FailoverAssignments.support(c, d.id()).support())) {
                ids.add(d.id());
            }
        }
        return ids;
    }

    private static Ended ended(Connection c, long recordingServerId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT failover_server_id, since FROM failover_covers WHERE recording_server_id = ?")) {
            st.setLong(1, recordingServerId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Ended(rs.getLong(1), rs.getTimestamp(2).toInstant().toEpochMilli()) : null;
            }
        }
    }

    private static void event(Connection c, String eventId, String type, String severity, String message,
                              Map<String, Object> data) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO events (event_id, at, source, type, severity,"
                + " message, data) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            st.setString(1, eventId);
            st.setTimestamp(2, Timestamp.from(Instant.now()));
            st.setString(3, SOURCE);
            st.setString(4, type);
            st.setString(5, severity);
            st.setString(6, message);
            st.setString(7, Json.write(data));
            st.executeUpdate();
        }
    }
}
