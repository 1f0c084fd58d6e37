package io.vigil.vms.management;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Set;

/**
 * Which failover servers protect a recording server (a primary and optional secondary group, or
 * one hot standby), and each device's failover support (full, live only, none; full when never set).
 */
final class FailoverAssignments {

    /** A recording server's protection and who covers it now (null fields when none). */
    record Protection(long recordingServerId, Long primaryGroupId, Long secondaryGroupId, Long hotStandbyId,
                      Long coveredBy, String coveredSince) {
    }

    record DeviceSupport(long deviceId, String support) {
    }

    private FailoverAssignments() {
    }

    static Protection get(Connection c, long serverId) throws SQLException {
        Configuration.server(c, serverId); // 404 first
        FailoverCovers.Cover cover = FailoverCovers.of(c, serverId);
        Long coveredBy = cover == null ? null : cover.failoverServerId();
        String since = cover == null ? null : cover.since();
        try (PreparedStatement st = c.prepareStatement("SELECT primary_group_id, secondary_group_id, hot_standby_id"
                + " FROM recording_server_failover WHERE recording_server_id = ?")) {
            st.setLong(1, serverId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return new Protection(serverId, null, null, null, coveredBy, since);
                }
                return new Protection(serverId, nullableLong(rs, 1), nullableLong(rs, 2), nullableLong(rs, 3),
                        coveredBy, since);
            }
        }
    }

    /** Sets the protection; all three ids null removes it. Refused while the recording server is covered. */
    static Protection set(Connection c, long serverId, FailoverInputs.Protection in, Set<String> clusterHosts)
            throws SQLException {
        FailoverCovers.refuseWhileCovered(c, serverId, "change its failover protection");
        if (in.primaryGroupId() != null) {
            FailoverServers.group(c, in.primaryGroupId());
        }
        if (in.secondaryGroupId() != null) {
            FailoverServers.group(c, in.secondaryGroupId());
        }
        if (in.hotStandbyId() != null) {
            checkHotStandby(c, serverId, FailoverServers.lock(c, in.hotStandbyId()));
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM recording_server_failover WHERE recording_server_id = ?")) {
            st.setLong(1, serverId);
            st.executeUpdate();
        }
        if (in.primaryGroupId() != null || in.hotStandbyId() != null) {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO recording_server_failover (recording_server_id,"
                    + " primary_group_id, secondary_group_id, hot_standby_id) VALUES (?, ?, ?, ?)")) {
                st.setLong(1, serverId);
                setNullable(st, 2, in.primaryGroupId());
                setNullable(st, 3, in.secondaryGroupId());
                setNullable(st, 4, in.hotStandbyId());
                st.executeUpdate();
            }
        }
        return get(c, serverId);
    }

    private static void checkHotStandby(Connection c, long serverId, FailoverServers.FailoverServer s) throws SQLException {
        if (s.groupId() != null) {
            throw ApiError.conflict("hotStandbyId", "failover server " + s.id() + " is in failover group " + s.groupId()
                    + "; a grouped server cannot be a hot standby: remove it from the group first");
        }
        Long other = hotStandbyOf(c, s.id());
        if (other != null && other != serverId) {
            throw ApiError.conflict("hotStandbyId", "failover server " + s.id() + " is already the hot standby of"
                    + " recording server " + other + "; a hot standby serves one recording server");
        }
    }

    /** The recording server whose hot standby {@code failoverServerId} is, or null. */
    static Long hotStandbyOf(Connection c, long failoverServerId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT recording_server_id FROM recording_server_failover WHERE hot_standby_id = ?")) {
            st.setLong(1, failoverServerId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    static boolean groupInUse(Connection c, long groupId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM recording_server_failover"
                + " WHERE primary_group_id = ? OR secondary_group_id = ?")) {
            st.setLong(1, groupId);
            st.setLong(2, groupId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    static DeviceSupport support(Connection c, long deviceId) throws SQLException {
        Configuration.device(c, deviceId);
        try (PreparedStatement st = c.prepareStatement("SELECT support FROM device_failover WHERE device_id = ?")) {
            st.setLong(1, deviceId);
            try (ResultSet rs = st.executeQuery()) {
                return new DeviceSupport(deviceId, rs.next() ? rs.getString(1) : "full");
            }
        }
    }

    /** Sets a device's failover support; refused while its recording server is covered (a device setting). */
    static DeviceSupport setSupport(Connection c, long deviceId, FailoverInputs.DeviceSupport in) throws SQLException {
        FailoverCovers.refuseWhileCovered(c, Configuration.device(c, deviceId).recordingServerId(),
                "change the failover support of its devices");
        try (PreparedStatement st = c.prepareStatement("INSERT INTO device_failover (device_id, support) VALUES (?, ?)"
                + " ON CONFLICT (device_id) DO UPDATE SET support = excluded.support")) {
            st.setLong(1, deviceId);
            st.setString(2, in.support());
            st.executeUpdate();
        }
        return new DeviceSupport(deviceId, in.support());
    }

    private static Long nullableLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static void setNullable(PreparedStatement st, int i, Long v) throws SQLException {
        if (v == null) {
            st.setNull(i, Types.BIGINT);
        } else {
            st.setLong(i, v);
        }
    }
}
