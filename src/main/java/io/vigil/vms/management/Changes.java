package io.vigil.vms.management;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Applies one change: the change itself, its audit row and, when the client sent an
 * {@code Idempotency-Key}, the answer it got, all in one transaction. A client that lost the
 * answer (the node died after the commit) sends the same key again and gets the same answer,
 * without the change being applied twice; that is what lets the chaos run count "no change
 * applied twice" across failovers.
 */
final class Changes {
    static final int MAX_KEY_LENGTH = 128;
    /** The first half of the advisory lock's key: Idempotency-Keys, apart from any other lock. */
    private static final int KEY_LOCK_CLASS = 0x56494731; // "VIG1"

    /** What a change did: the answer, and what the audit row says about it. */
    record Outcome(int status, Object body, String entity, String entityId, String detail) {
    }

    /** The answer sent to the client, and whether it is the replay of an earlier one. */
    record Answer(int status, String json, boolean replayed) {
    }

    private final Store store;

    Changes(Store store) {
        this.store = store;
    }

    Answer apply(Principal who, String action, String key, Store.Work<Outcome> change) throws SQLException {
        if (!who.canWrite()) {
            throw new ApiError(403, null, "user '" + who.name() + "' has role '" + who.role()
                    + "', which cannot change the configuration");
        }
        checkKey(key);
        try {
            return store.write(c -> {
                if (key != null) {
                    // A retry sent while the first attempt still commits must wait for it and then
                    // get its answer, not run the change again (and fail on what the first one
                    // created): the key's lock, held until this transaction ends, orders them.
                    try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                        lock.setInt(1, KEY_LOCK_CLASS);
                        lock.setString(2, key);
                        lock.execute();
                    }
                    Answer earlier = earlier(c, who, key);
                    if (earlier != null) {
                        return earlier;
                    }
                }
                Outcome o = change.run(c);
                AuditLog.record(c, who.name(), action, o.entity(), o.entityId(), o.detail());
                String json = Json.write(o.body());
                if (key != null) {
                    try (PreparedStatement st = c.prepareStatement("INSERT INTO applied_requests"
                            + " (idempotency_key, user_name, status, body) VALUES (?, ?, ?, ?)")) {
                        st.setString(1, key);
                        st.setString(2, who.name());
                        st.setInt(3, o.status());
                        st.setString(4, json);
                        st.executeUpdate();
                    }
                }
                return new Answer(o.status(), json, false);
            });
        } catch (SQLException e) {
            if (key != null && "23505".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("applied_requests")) {
                // The same key committed meanwhile by a concurrent retry: answer with what it got.
                Answer stored = store.read(c -> earlier(c, who, key));
                if (stored != null) {
                    return stored;
                }
            }
            throw e;
        }
    }

    private static Answer earlier(java.sql.Connection c, Principal who, String key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT user_name, status, body FROM applied_requests WHERE idempotency_key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (!rs.getString(1).equals(who.name())) {
                    throw ApiError.conflict(null, "this Idempotency-Key was used by another user; use a new key"
                            + " for every change");
                }
                return new Answer(rs.getInt(2), rs.getString(3), true);
            }
        }
    }

    private static void checkKey(String key) {
        if (key != null && (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(ch -> ch > 32 && ch < 127))) {
            throw ApiError.badField("Idempotency-Key", "the Idempotency-Key header is 1-" + MAX_KEY_LENGTH
                    + " printable ASCII characters without spaces");
        }
    }
}
