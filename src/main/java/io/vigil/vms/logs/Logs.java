package io.vigil.vms.logs;

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
import java.util.Set;

/** The logs table: checked input, batch insert, search. */
final class Logs {
    static final int MAX_LIST = 1000;
    static final Set<String> LEVELS = Set.of("debug", "info", "warning", "error");
    private static final Set<String> FIELDS = Set.of("at", "source", "level", "user", "message");

    record Input(Instant at, String source, String level, String user, String message) {
    }

    record Query(Instant from, Instant to, String user, String source, String level, String text, int limit) {
    }

    private Logs() {
    }

    static String level(String level) {
        if (level != null && !LEVELS.contains(level)) {
            throw ApiError.badField("level", "level is debug, info, warning or error");
        }
        return level;
    }

    static List<Input> inputs(String body, int max) {
        List<JsonNode> nodes = io.vigil.vms.management.ApiSupport.objects(body, max, "log record");
        boolean array = body.strip().startsWith("[");
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String prefix = array ? "records[" + i + "]." : "";
            JsonNode n = nodes.get(i);
            n.fieldNames().forEachRemaining(f -> {
                if (!FIELDS.contains(f)) {
                    throw ApiError.badField(prefix + f, "unknown field '" + f + "'; the fields are at, source, level,"
                            + " user, message");
                }
            });
            String atText = text(n, prefix, "at", 64, true);
            Instant at;
            try {
                at = Instant.parse(atText);
            } catch (DateTimeParseException e) {
                throw ApiError.badField(prefix + "at", "'" + atText + "' is not a time; write it as 2026-12-07T14:00:00Z");
            }
            String level = text(n, prefix, "level", 16, true);
            if (!LEVELS.contains(level)) {
                throw ApiError.badField(prefix + "level", "level is debug, info, warning or error");
            }
            out.add(new Input(at, text(n, prefix, "source", 128, true), level, text(n, prefix, "user", 64, false),
                    text(n, prefix, "message", 8192, true)));
        }
        return out;
    }

    private static String text(JsonNode n, String prefix, String field, int max, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ApiError.badField(prefix + field, "field '" + field + "' is required (text)");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
            throw ApiError.badField(prefix + field, "field '" + field + "' is text of 1 to " + max + " characters");
        }
        return v.asText();
    }

    static int insert(Connection c, List<Input> records) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO logs (at, source, level, user_name, message) VALUES (?, ?, ?, ?, ?)")) {
            for (Input r : records) {
                st.setTimestamp(1, Timestamp.from(r.at()));
                st.setString(2, r.source());
                st.setString(3, r.level());
                st.setString(4, r.user());
                st.setString(5, r.message());
                st.addBatch();
            }
            return st.executeBatch().length;
        }
    }

    /** Newest first. The text filter is a plain substring match (no pattern syntax a client could abuse). */
    static List<Map<String, Object>> search(Connection c, Query q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, at, source, level, user_name, message FROM logs WHERE true");
        List<Object> args = new ArrayList<>();
        if (q.from() != null) {
            sql.append(" AND at >= ?");
            args.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND at < ?");
            args.add(Timestamp.from(q.to()));
        }
        if (q.user() != null) {
            sql.append(" AND user_name = ?");
            args.add(q.user());
        }
        if (q.source() != null) {
            sql.append(" AND source = ?");
            args.add(q.source());
        }
        if (q.level() != null) {
            sql.append(" AND level = ?");
            args.add(q.level());
        }
        if (q.text() != null) {
            sql.append(" AND strpos(message, ?) > 0");
            args.add(q.text());
        }
        sql.append(" ORDER BY at DESC, id DESC LIMIT ").append(Math.min(q.limit(), MAX_LIST));
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            io.vigil.vms.management.ApiSupport.bind(st, args);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("id", rs.getLong(1));
                    r.put("at", rs.getTimestamp(2).toInstant().toString());
                    r.put("source", rs.getString(3));
                    r.put("level", rs.getString(4));
                    r.put("user", rs.getString(5));
                    r.put("message", rs.getString(6));
                    out.add(r);
                }
            }
        }
        return out;
    }
}
