package io.vigil.vms.management;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The VMS configuration tables: recording servers, their devices, registered services. */
final class Configuration {
    private static final String SERVER_COLUMNS = "id, name, host, web_port, storage_path, enabled";
    private static final String DEVICE_COLUMNS = "id, recording_server_id, name, kind, url, fps, bitrate_kbps,"
            + " retention_hours, enabled";

    record RecordingServer(long id, String name, String host, int webPort, String storagePath, boolean enabled) {
    }

    record Device(long id, long recordingServerId, String name, String kind, String url, int fps, int bitrateKbps,
                  int retentionHours, boolean enabled) {
    }

    record Service(String name, String address, int port) {
    }

    private Configuration() {
    }

    static List<RecordingServer> servers(Connection c) throws SQLException {
        List<RecordingServer> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT " + SERVER_COLUMNS
                + " FROM recording_servers ORDER BY id")) {
            while (rs.next()) {
                out.add(server(rs));
            }
        }
        return out;
    }

    static RecordingServer server(Connection c, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT " + SERVER_COLUMNS + " FROM recording_servers WHERE id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("recording server " + id);
                }
                return server(rs);
            }
        }
    }

    static RecordingServer createServer(Connection c, Inputs.RecordingServer in) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO recording_servers (name, host, web_port,"
                + " storage_path, enabled) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING "
                + SERVER_COLUMNS)) {
            bindServer(st, in);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.conflict("name", "a recording server named '" + in.name() + "' already exists");
                }
                return server(rs);
            }
        }
    }

    static RecordingServer updateServer(Connection c, long id, Inputs.RecordingServer in) throws SQLException {
        server(c, id); // 404 first
        try (PreparedStatement st = c.prepareStatement("UPDATE recording_servers SET name = ?, host = ?, web_port = ?,"
                + " storage_path = ?, enabled = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM recording_servers"
                + " WHERE name = ? AND id <> ?) RETURNING " + SERVER_COLUMNS)) {
            bindServer(st, in);
            st.setLong(6, id);
            st.setString(7, in.name());
            st.setLong(8, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.conflict("name", "another recording server is named '" + in.name() + "'");
                }
                return server(rs);
            }
        }
    }

    static void deleteServer(Connection c, long id) throws SQLException {
        server(c, id);
        try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM devices WHERE recording_server_id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    throw ApiError.conflict(null, "recording server " + id + " still has " + rs.getLong(1)
                            + " device(s); delete or move them first");
                }
            }
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM recording_servers WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    private static void bindServer(PreparedStatement st, Inputs.RecordingServer in) throws SQLException {
        st.setString(1, in.name());
        st.setString(2, in.host());
        st.setInt(3, in.webPort());
        st.setString(4, in.storagePath());
        st.setBoolean(5, in.enabled());
    }

    private static RecordingServer server(ResultSet rs) throws SQLException {
        return new RecordingServer(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                rs.getBoolean(6));
    }

    static List<Device> devices(Connection c, long serverId) throws SQLException {
        server(c, serverId);
        List<Device> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT " + DEVICE_COLUMNS
                + " FROM devices WHERE recording_server_id = ? ORDER BY id")) {
            st.setLong(1, serverId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(device(rs));
                }
            }
        }
        return out;
    }

    static Device device(Connection c, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT " + DEVICE_COLUMNS + " FROM devices WHERE id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.notFound("device " + id);
                }
                return device(rs);
            }
        }
    }

    static Device createDevice(Connection c, long serverId, Inputs.Device in) throws SQLException {
        server(c, serverId);
        try (PreparedStatement st = c.prepareStatement("INSERT INTO devices (recording_server_id, name, kind, url, fps,"
                + " bitrate_kbps, retention_hours, enabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (recording_server_id, name) DO NOTHING RETURNING " + DEVICE_COLUMNS)) {
            st.setLong(1, serverId);
            bindDevice(st, 2, in);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.conflict("name", "recording server " + serverId + " already has a device named '"
                            + in.name() + "'");
                }
                return device(rs);
            }
        }
    }

    static Device updateDevice(Connection c, long id, Inputs.Device in) throws SQLException {
        Device old = device(c, id);
        try (PreparedStatement st = c.prepareStatement("UPDATE devices SET name = ?, kind = ?, url = ?, fps = ?,"
                + " bitrate_kbps = ?, retention_hours = ?, enabled = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM"
                + " devices WHERE recording_server_id = ? AND name = ? AND id <> ?) RETURNING " + DEVICE_COLUMNS)) {
            bindDevice(st, 1, in);
            st.setLong(8, id);
            st.setLong(9, old.recordingServerId());
            st.setString(10, in.name());
            st.setLong(11, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.conflict("name", "another device of recording server " + old.recordingServerId()
                            + " is named '" + in.name() + "'");
                }
                return device(rs);
            }
        }
    }

    static void deleteDevice(Connection c, long id) throws SQLException {
        device(c, id);
        try (PreparedStatement st = c.prepareStatement("DELETE FROM devices WHERE id = ?")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    private static void bindDevice(PreparedStatement st, int first, Inputs.Device in) throws SQLException {
        st.setString(first, in.name());
        st.setString(first + 1, in.kind());
        if (in.url() == null) {
            st.setNull(first + 2, Types.VARCHAR);
        } else {
            st.setString(first + 2, in.url());
        }
        st.setInt(first + 3, in.fps());
        st.setInt(first + 4, in.bitrateKbps());
        st.setInt(first + 5, in.retentionHours());
        st.setBoolean(first + 6, in.enabled());
    }

    private static Device device(ResultSet rs) throws SQLException {
        return new Device(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getBoolean(9));
    }

    static List<Service> services(Connection c) throws SQLException {
        List<Service> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT name, address, port FROM services ORDER BY name")) {
            while (rs.next()) {
                out.add(new Service(rs.getString(1), rs.getString(2), rs.getInt(3)));
            }
        }
        return out;
    }

    static Service putService(Connection c, String name, Inputs.Service in) throws SQLException {
        Inputs.checkName(name);
        try (PreparedStatement st = c.prepareStatement("INSERT INTO services (name, address, port) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET address = excluded.address, port = excluded.port")) {
            st.setString(1, name);
            st.setString(2, in.address());
            st.setInt(3, in.port());
            st.executeUpdate();
        }
        return new Service(name, in.address(), in.port());
    }
}
