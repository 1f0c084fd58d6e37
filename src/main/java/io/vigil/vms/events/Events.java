package io.vigil.vms.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.vms.management.ApiError;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The events table: checked input, insert-once, listing in id order. */
final class Events {
    static final int MAX_LIST = 1000;
    private static final int MAX_TEXT = 4096;

    record Input(String eventId, Instant at, String source, String type, String severity, String message, String data) {
    }

    private Events() {
    }

    /** One event object or an array of them; every field checked, the first bad one named (as events[i].field). */
    static List<Input> inputs(String body, int max) {
        List<JsonNode> nodes = io.vigil.vms.management.ApiSupport.objects(body, max, "event");
        boolean array = body.strip().startsWith("[");
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            out.add(input(nodes.get(i), array ? "events[" + i + "]." : ""));
        }
        return out;
    }

    private static Input input(JsonNode n, String prefix) {
        n.fieldNames().forEachRemaining(f -> {
            if (!List.of("eventId", "at", "source", "type", "severity", "message", "data").contains(f)) {
                throw ApiError.badField(prefix + f, "unknown field '" + f + "'; the fields are eventId, at, source,"
                        + " type, severity, message, data");
            }
        });
        String eventId = text(n, prefix, "eventId", 128);
        Instant at;
        String atText = text(n, prefix, "at", 64);
        try {
            at = Instant.parse(atText);
        } catch (DateTimeParseException e) {
            throw ApiError.badField(prefix + "at", "'" + atText + "' is not a time; write it as 2026-12-07T14:00:00Z");
        }
        String severity = text(n, prefix, "severity", 16);
        if (!EventServer.SEVERITIES.contains(severity)) {
            throw ApiError.badField(prefix + "severity", "severity is info, warning or alarm");
        }
        JsonNode data = n.get("data");
        if (data != null && !data.isObject() && !data.isNull()) {
            throw ApiError.badField(prefix + "data", "data, when given, is a JSON object");
        }
        return new Input(eventId, at, text(n, prefix, "source", 128), text(n, prefix, "type", 64), severity,
                text(n, prefix, "message", MAX_TEXT), data == null || data.isNull() ? null : data.toString());
    }

    private static String text(JsonNode n, String prefix, String field, int max) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiError.badField(prefix + field, "field '" + field + "' is required (text)");
        }
        if (v.asText().length() > max) {
            throw ApiError.badField(prefix + field, "field '" + field + "' is longer than " + max + " characters");
        }
        return v.asText();
    }

    /** Stores the events not seen before; returns how many were new. */
    static int insert(Connection c, List<Input> events) throws SQLException {
        int stored = 0;
        try (PreparedStatement st = c.prepareStatement("INSERT INTO events (event_id, at, source, type, severity,"
                + " message, data) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
            for (Input e : events) {
                st.setString(1, e.eventId());
                st.setTimestamp(2, Timestamp.from(e.at()));
                st.setString(3, e.source());
                st.setString(4, e.type());
                st.setString(5, e.severity());
                st.setString(6, e.message());
                st.setString(7, e.data());
                stored += st.executeUpdate();
            }
        }
        return stored;
    }

    private static JsonNode data(String stored) {
        try {
            return stored == null ? null : io.vigil.vms.management.Json.MAPPER.readTree(stored);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("an event's stored data is not JSON", e);
        }
    }

    static long lastId(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT coalesce(max(id), 0) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<Map<String, Object>> list(Connection c, long after, String type, String source, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, event_id, at, received_at, source, type, severity, message,"
                + " data FROM events WHERE id > ?");
        List<Object> args = new ArrayList<>(List.of(after));
        if (type != null) {
            sql.append(" AND type = ?");
            args.add(type);
        }
        if (source != null) {
            sql.append(" AND source = ?");
            args.add(source);
        }
        sql.append(" ORDER BY id LIMIT ").append(Math.min(limit, MAX_LIST));
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            io.vigil.vms.management.ApiSupport.bind(st, args);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", rs.getLong(1));
                    e.put("eventId", rs.getString(2));
                    e.put("at", rs.getTimestamp(3).toInstant().toString());
                    e.put("receivedAt", rs.getTimestamp(4).toInstant().toString());
                    e.put("source", rs.getString(5));
                    e.put("type", rs.getString(6));
                    e.put("severity", rs.getString(7));
                    e.put("message", rs.getString(8));
                    e.put("data", data(rs.getString(9)));
                    out.add(e);
                }
            }
        }
        return out;
    }
}
