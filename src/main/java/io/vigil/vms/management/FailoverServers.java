package io.vigil.vms.management;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Failover recording servers and failover groups (issue 14, SPEC §9). A server is in at most one
 * group (one column), never both grouped and a hot standby, and a server on a cluster node may only
 * be a hot standby: the cross-table rules are checked with the failover server's row locked
 * ({@code FOR UPDATE}), so two concurrent changes cannot both pass the check.
 */
final class FailoverServers {
    private static final String COLUMNS = "id, name, description, host_name, local_web_address, public_web_address,"
            + " udp_port, database_location, pending_database_location, enabled, multicast_nic_address, group_id";

    record FailoverServer(long id, String name, String description, String hostName, String localWebAddress,
                          String publicWebAddress, int udpPort, String databaseLocation,
                          String pendingDatabaseLocation, boolean enabled, String multicastNicAddress, Long groupId) {
    }

    record FailoverGroup(long id, String name, String description, List<Long> sequence) {
    }

    private FailoverServers() {
    }

    static List<FailoverServer> list(Connection c) throws SQLException {
        List<FailoverServer> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT " + COLUMNS + " FROM failover_servers ORDER BY id")) {
            while (rs.next()) {
                out.add(server(rs));
            }
        }
        return out;
    }

    static FailoverServer get(Connection c, long id) throws SQLException {
        return one(c, id, "");
    }

    /** The server with its row locked until the transaction ends. */
    static FailoverServer lock(Connection c, long id) throws SQLException {
        return one(c, id, " FOR UPDATE");
    }

    private static FailoverServer one(Connection c, long id, String lock) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM failover_servers WHERE id = ?" + lock)) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("failover server " + id);
                }
                return server(rs);
            }
        }
    }

    static FailoverServer create(Connection c, FailoverInputs.FailoverServer in) throws SQLException {
        if (in.hostName() == null) {
            throw ApiError.badField("hostName", "field 'hostName' is required when a failover server is registered");
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO failover_servers (name, description, host_name,"
                + " local_web_address, public_web_address, udp_port, database_location, enabled, multicast_nic_address)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING " + COLUMNS)) {
            bind(st, in, in.hostName(), in.databaseLocation());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.conflict("name", "a failover server named '" + in.name() + "' already exists");
                }
                return server(rs);
            }
        }
    }

    /**
     * Updates everything but the host name (read-only). While the server covers a recording
     * server its database location is kept aside and applied at hand-back (SPEC §9: it cannot
     * change while taking over).
     */
    static FailoverServer update(Connection c, long id, FailoverInputs.FailoverServer in) throws SQLException {
        FailoverServer old = lock(c, id);
        if (in.hostName() != null && !in.hostName().equals(old.hostName())) {
            throw ApiError.badField("hostName", "the host name is read-only (it is '" + old.hostName()
                    + "'); leave the field out, or register the server on the new host as a new failover server");
        }
        boolean covering = FailoverCovers.coveredBy(c, id) != null;
        String location = covering ? old.databaseLocation() : in.databaseLocation();
        try (PreparedStatement st = c.prepareStatement("UPDATE failover_servers SET name = ?, description = ?,"
                + " host_name = ?, local_web_address = ?, public_web_address = ?, udp_port = ?, database_location = ?,"
                + " enabled = ?, multicast_nic_address = ?, pending_database_location = ? WHERE id = ?"
                + " AND NOT EXISTS (SELECT 1 FROM failover_servers WHERE name = ? AND id <> ?) RETURNING " + COLUMNS)) {
            bind(st, in, old.hostName(), location);
            nullable(st, 10, covering && !in.databaseLocation().equals(old.databaseLocation()) ? in.databaseLocation() : null);
            st.setLong(11, id);
            st.setString(12, in.name());
            st.setLong(13, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.conflict("name", "another failover server is named '" + in.name() + "'");
                }
                return server(rs);
            }
        }
    }

    static void delete(Connection c, long id) throws SQLException {
        lock(c, id);
        Long covered = FailoverCovers.coveredBy(c, id);
        if (covered != null) {
            throw ApiError.conflict(null, "failover server " + id + " covers recording server " + covered
                    + " now; delete it after it hands back");
        }
        if (FailoverAssignments.hotStandbyOf(c, id) != null) {
            throw ApiError.conflict(null, "failover server " + id + " is the hot standby of recording server "
                    + FailoverAssignments.hotStandbyOf(c, id) + "; give that recording server another protection first");
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM failover_servers WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    /** Applies a database location kept aside during a cover (called at hand-back). */
    static void applyPendingLocation(Connection c, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE failover_servers SET database_location ="
                + " pending_database_location, pending_database_location = NULL"
                + " WHERE id = ? AND pending_database_location IS NOT NULL")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    private static void bind(PreparedStatement st, FailoverInputs.FailoverServer in, String host, String location)
            throws SQLException {
        st.setString(1, in.name());
        st.setString(2, in.description());
        st.setString(3, host);
        st.setString(4, in.localWebAddress() != null ? in.localWebAddress()
                : "http://" + host + ":" + FailoverInputs.DEFAULT_WEB_PORT + "/");
        nullable(st, 5, in.publicWebAddress());
        st.setInt(6, in.udpPort());
        st.setString(7, location);
        st.setBoolean(8, in.enabled());
        nullable(st, 9, in.multicastNicAddress());
    }

    private static void nullable(PreparedStatement st, int i, String v) throws SQLException {
        if (v == null) {
            st.setNull(i, Types.VARCHAR);
        } else {
            st.setString(i, v);
        }
    }

    private static FailoverServer server(ResultSet rs) throws SQLException {
        long group = rs.getLong(12);
        Long groupId = rs.wasNull() ? null : group; // wasNull() answers for the last column read: ask now
        return new FailoverServer(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9), rs.getBoolean(10), rs.getString(11),
                groupId);
    }

    // ---- groups

    static List<FailoverGroup> groups(Connection c) throws SQLException {
        List<FailoverGroup> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT id FROM failover_groups ORDER BY id")) {
            while (rs.next()) {
                out.add(group(c, rs.getLong(1)));
            }
        }
        return out;
    }

    static FailoverGroup group(Connection c, long id) throws SQLException {
        String name;
        String description;
        try (PreparedStatement st = c.prepareStatement("SELECT name, description FROM failover_groups WHERE id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("failover group " + id);
                }
                name = rs.getString(1);
                description = rs.getString(2);
            }
        }
        List<Long> sequence = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT id FROM failover_servers WHERE group_id = ? ORDER BY group_position")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    sequence.add(rs.getLong(1));
                }
            }
        }
        return new FailoverGroup(id, name, description, sequence);
    }

    static FailoverGroup createGroup(Connection c, FailoverInputs.FailoverGroup in) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO failover_groups (name, description) VALUES (?, ?)"
                + " ON CONFLICT (name) DO NOTHING RETURNING id")) {
            st.setString(1, in.name());
            st.setString(2, in.description());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.conflict("name", "a failover group named '" + in.name() + "' already exists");
                }
                return group(c, rs.getLong(1));
            }
        }
    }

    static void deleteGroup(Connection c, long id) throws SQLException {
        group(c, id);
        if (FailoverAssignments.groupInUse(c, id)) {
            throw ApiError.conflict(null, "failover group " + id + " protects a recording server; give that"
                    + " recording server another group first");
        }
        setSequence(c, id, List.of(), Set.of());
        try (PreparedStatement st = c.prepareStatement("DELETE FROM failover_groups WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    /** Appends a server at the end of the group's sequence: the default order is the order added. */
    static FailoverGroup addMember(Connection c, long groupId, long serverId, Set<String> clusterHosts) throws SQLException {
        List<Long> sequence = new ArrayList<>(group(c, groupId).sequence());
        if (!sequence.contains(serverId)) {
            sequence.add(serverId);
        }
        return setSequence(c, groupId, sequence, clusterHosts);
    }

    /** Makes {@code sequence} the group's whole ordered membership; servers left out leave the group. */
    static FailoverGroup setSequence(Connection c, long groupId, List<Long> sequence, Set<String> clusterHosts)
            throws SQLException {
        group(c, groupId);
        // Two changes of one group's sequence run one after the other instead of deadlocking on its members' rows.
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM failover_groups WHERE id = ? FOR UPDATE")) {
            st.setLong(1, groupId);
            st.executeQuery().close();
        }
        for (long id : sequence) {
            checkMayJoin(c, lock(c, id), groupId, clusterHosts);
        }
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE failover_servers SET group_id = NULL, group_position = NULL WHERE group_id = ?")) {
            st.setLong(1, groupId);
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE failover_servers SET group_id = ?, group_position = ? WHERE id = ?")) {
            for (int i = 0; i < sequence.size(); i++) {
                st.setLong(1, groupId);
                st.setInt(2, i);
                st.setLong(3, sequence.get(i));
                st.addBatch();
            }
            st.executeBatch();
        }
        return group(c, groupId);
    }

    private static void checkMayJoin(Connection c, FailoverServer s, long groupId, Set<String> clusterHosts)
            throws SQLException {
        if (s.groupId() != null && s.groupId() != groupId) {
            throw ApiError.conflict("failoverServerId", "failover server " + s.id() + " is already in failover group "
                    + s.groupId() + "; a server is in at most one group: remove it from that group first");
        }
        Long hot = FailoverAssignments.hotStandbyOf(c, s.id());
        if (hot != null) {
            throw ApiError.conflict("failoverServerId", "failover server " + s.id() + " is the hot standby of recording"
                    + " server " + hot + "; a hot standby cannot be in a group");
        }
        if (onClusterNode(s.hostName(), clusterHosts)) {
            throw ApiError.conflict("failoverServerId", "failover server " + s.id() + " runs on cluster node '"
                    + s.hostName() + "', where a failover server may only be a hot standby (SPEC §9);"
                    + " use a failover server on another machine in groups");
        }
    }

    static boolean onClusterNode(String hostName, Set<String> clusterHosts) {
        return clusterHosts.stream().anyMatch(h -> h.equalsIgnoreCase(hostName));
    }
}
