package io.vigil.vms.management;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Who changed what, when: one row per change, written in the change's own transaction. */
public final class AuditLog {
    public static final int MAX_ROWS = 1000;

    private AuditLog() {
    }

    static void record(Connection c, String user, String action, String entity, String entityId, String detail)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO audit (user_name, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?)")) {
            st.setString(1, user);
            st.setString(2, action);
            st.setString(3, entity);
            st.setString(4, entityId);
            st.setString(5, detail);
            st.executeUpdate();
        }
    }

    /** Newest first; every filter optional. */
    public static List<Map<String, Object>> search(Connection c, String user, Instant from, Instant to, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, at, user_name, action, entity, entity_id, detail FROM audit"
                + " WHERE true");
        List<Object> args = new ArrayList<>();
        if (user != null) {
            sql.append(" AND user_name = ?");
            args.add(user);
        }
        if (from != null) {
            sql.append(" AND at >= ?");
            args.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND at < ?");
            args.add(Timestamp.from(to));
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(Math.max(1, Math.min(limit, MAX_ROWS)));
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            ApiSupport.bind(st, args);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getLong(1));
                    row.put("at", rs.getTimestamp(2).toInstant().toString());
                    row.put("user", rs.getString(3));
                    row.put("action", rs.getString(4));
                    row.put("entity", rs.getString(5));
                    row.put("entityId", rs.getString(6));
                    row.put("detail", rs.getString(7));
                    out.add(row);
                }
            }
        }
        return out;
    }
}
