package io.vigil.vms.management;

import io.vigil.vms.failover.Protection;
import io.vigil.vms.failover.Topology;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the failover coordinator reads from the management database each round: the protected
 * recording servers and where to watch them, the failover servers, and the {@link Topology} the
 * decision needs. One read, one snapshot: a change made meanwhile is seen next round.
 */
record FailoverWorld(Map<Long, URI> recordingServers, Map<Long, FailoverServers.FailoverServer> failoverServers,
                     Topology topology) {

    static FailoverWorld read(Connection c) throws SQLException {
        Map<Long, Protection> protections = new HashMap<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT recording_server_id, primary_group_id,"
                + " secondary_group_id, hot_standby_id FROM recording_server_failover")) {
            while (rs.next()) {
                long hot = rs.getLong(4);
                if (!rs.wasNull()) {
                    protections.put(rs.getLong(1), new Protection.Hot(hot));
                } else {
                    long secondary = rs.getLong(3);
                    Long second = rs.wasNull() ? null : secondary;
                    protections.put(rs.getLong(1), new Protection.Cold(rs.getLong(2), second));
                }
            }
        }
        Map<Long, URI> servers = new HashMap<>();
        for (Configuration.RecordingServer s : Configuration.servers(c)) {
            if (s.enabled() && (protections.containsKey(s.id()) || FailoverCovers.of(c, s.id()) != null)) {
                servers.put(s.id(), URI.create("http://" + s.host() + ":" + s.webPort() + "/"));
            }
        }
        Map<Long, FailoverServers.FailoverServer> failover = new HashMap<>();
        FailoverServers.list(c).forEach(f -> failover.put(f.id(), f));
        Map<Long, List<Long>> groups = new HashMap<>();
        FailoverServers.groups(c).forEach(g -> groups.put(g.id(), g.sequence()));
        return new FailoverWorld(Map.copyOf(servers), Map.copyOf(failover), new Topology(protections, groups));
    }

    URI failoverServerAddress(long id) {
        return URI.create(failoverServers.get(id).localWebAddress());
    }
}
