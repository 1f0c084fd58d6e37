package io.vigil.vms.management;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The covered state (SPEC §9): which failover server covers which recording server now, set and
 * cleared by the failover coordinator through the API. While a recording server is covered, the
 * changes the failover server could not follow (hardware replace/move, recording server update,
 * storage or stream settings) are refused. Both sides lock the recording server's row first
 * ({@code FOR NO KEY UPDATE}), so a change and a takeover are ordered: a change either commits
 * before the cover is set or is refused.
 */
final class FailoverCovers {

    record Cover(long recordingServerId, long failoverServerId, String since) {
    }

    /**
     * Where a client finds a device now: at its recording server, or, while that one is covered,
     * at the failover server for "full" and "live-only" devices ({@code served} false for a "none"
     * device of a covered server: nobody serves it until hand-back).
     */
    record ServedBy(long deviceId, long recordingServerId, String support, Long failoverServerId, String address,
                    boolean served, boolean recorded) {
    }

    private FailoverCovers() {
    }

    static ServedBy servedBy(Connection c, long deviceId) throws SQLException {
        Configuration.Device d = Configuration.device(c, deviceId);
        Configuration.RecordingServer rs = Configuration.server(c, d.recordingServerId());
        String support = FailoverAssignments.support(c, deviceId).support();
        Cover cover = of(c, rs.id());
        if (cover == null) {
            return new ServedBy(deviceId, rs.id(), support, null, "http://" + rs.host() + ":" + rs.webPort() + "/",
                    true, true);
        }
        String address = FailoverServers.get(c, cover.failoverServerId()).localWebAddress();
        return new ServedBy(deviceId, rs.id(), support, cover.failoverServerId(), "none".equals(support) ? null : address,
                !"none".equals(support), "full".equals(support));
    }

    static Cover of(Connection c, long recordingServerId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT failover_server_id, since::text FROM failover_covers"
                + " WHERE recording_server_id = ?")) {
            st.setLong(1, recordingServerId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? new Cover(recordingServerId, rs.getLong(1), rs.getString(2)) : null;
            }
        }
    }

    /** The recording server {@code failoverServerId} covers, or null. */
    static Long coveredBy(Connection c, long failoverServerId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT recording_server_id FROM failover_covers WHERE failover_server_id = ?")) {
            st.setLong(1, failoverServerId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Refuses {@code what} (e.g. "change its devices") while the recording server is covered. */
    static void refuseWhileCovered(Connection c, long recordingServerId, String what) throws SQLException {
        lockServer(c, recordingServerId);
        Cover cover = of(c, recordingServerId);
        if (cover != null) {
            throw ApiError.conflict(null, "recording server " + recordingServerId + " is in failover mode (covered by"
                    + " failover server " + cover.failoverServerId() + " since " + cover.since() + "): you cannot "
                    + what + " until it hands back; retry once the recording server is back");
        }
    }

    /** Records that {@code failoverServerId} covers the recording server; the same report again is a no-op. */
    static Cover set(Connection c, long recordingServerId, FailoverInputs.Cover in) throws SQLException {
        lockServer(c, recordingServerId);
        long fs = in.failoverServerId();
        FailoverServers.FailoverServer server = FailoverServers.lock(c, fs);
        Cover now = of(c, recordingServerId);
        if (now != null) {
            if (now.failoverServerId() == fs) {
                return now;
            }
            throw ApiError.conflict("failoverServerId", "recording server " + recordingServerId + " is already covered"
                    + " by failover server " + now.failoverServerId() + "; clear that cover first");
        }
        Long other = coveredBy(c, fs);
        if (other != null) {
            throw ApiError.conflict("failoverServerId", "failover server " + fs + " already covers recording server "
                    + other + "; a failover server covers one recording server at a time");
        }
        if (!server.enabled()) {
            throw ApiError.conflict("failoverServerId", "failover server " + fs + " is disabled; a disabled failover"
                    + " server is never used");
        }
        checkEligible(c, recordingServerId, server);
        try (PreparedStatement st = c.prepareStatement("INSERT INTO failover_covers (recording_server_id,"
                + " failover_server_id) VALUES (?, ?)")) {
            st.setLong(1, recordingServerId);
            st.setLong(2, fs);
            st.executeUpdate();
        }
        return of(c, recordingServerId);
    }

    /** Clears the cover (hand-back) and applies a database location kept aside meanwhile; no cover is a no-op. */
    static boolean clear(Connection c, long recordingServerId) throws SQLException {
        lockServer(c, recordingServerId);
        Cover cover = of(c, recordingServerId);
        if (cover == null) {
            return false;
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM failover_covers WHERE recording_server_id = ?")) {
            st.setLong(1, recordingServerId);
            st.executeUpdate();
        }
        FailoverServers.applyPendingLocation(c, cover.failoverServerId());
        return true;
    }

    /** Only the recording server's hot standby or a member of its primary or secondary group may cover it. */
    private static void checkEligible(Connection c, long recordingServerId, FailoverServers.FailoverServer s)
            throws SQLException {
        FailoverAssignments.Protection p = FailoverAssignments.get(c, recordingServerId);
        boolean eligible = Long.valueOf(s.id()).equals(p.hotStandbyId())
                || s.groupId() != null && (s.groupId().equals(p.primaryGroupId()) || s.groupId().equals(p.secondaryGroupId()));
        if (!eligible) {
            throw ApiError.conflict("failoverServerId", "failover server " + s.id() + " is neither the hot standby of"
                    + " recording server " + recordingServerId + " nor in its primary or secondary failover group");
        }
    }

    private static void lockServer(Connection c, long recordingServerId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT 1 FROM recording_servers WHERE id = ? FOR NO KEY UPDATE")) {
            st.setLong(1, recordingServerId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("recording server " + recordingServerId);
                }
            }
        }
    }
}
