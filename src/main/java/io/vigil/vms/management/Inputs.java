package io.vigil.vms.management;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/** The bodies the API accepts, each with its checks. A missing field is refused, never defaulted silently. */
final class Inputs {
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} _.()-]{1,64}");
    private static final Pattern HOST = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    static final Set<String> DEVICE_KINDS = Set.of("simulated", "mjpeg", "rtsp");

    private Inputs() {
    }

    record Login(String user, String password) {
        Login {
            require("user", user);
            require("password", password);
        }
    }

    record RecordingServer(String name, String host, Integer webPort, String storagePath, Boolean enabled) {
        RecordingServer {
            checkName(name);
            checkHost("host", host);
            checkPort("webPort", webPort);
            storagePath = checkStoragePath(storagePath, host);
            enabled = enabled == null || enabled;
        }
    }

    record Device(String name, String kind, String url, Integer fps, Integer bitrateKbps, Integer retentionHours,
                  Boolean enabled) {
        Device {
            checkName(name);
            require("kind", kind);
            if (!DEVICE_KINDS.contains(kind)) {
                throw ApiError.badField("kind", "kind '" + kind + "' is not one of " + DEVICE_KINDS.stream().sorted().toList());
            }
            if (!kind.equals("simulated")) {
                require("url", url);
                String scheme = kind.equals("mjpeg") ? "http" : "rtsp";
                if (!url.startsWith(scheme + "://")) {
                    throw ApiError.badField("url", "a " + kind + " camera's url must start with " + scheme + "://");
                }
            } else if (url != null) {
                throw ApiError.badField("url", "a simulated camera has no url; leave the field out");
            }
            checkRange("fps", fps, 1, 120);
            checkRange("bitrateKbps", bitrateKbps, 16, 100_000);
            retentionHours = retentionHours == null ? 168 : retentionHours;
            checkRange("retentionHours", retentionHours, 1, 87_600);
            enabled = enabled == null || enabled;
        }
    }

    record User(String name, String password, String role) {
        User {
            require("name", name);
            if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw ApiError.badField("name", "a user name is 1-64 letters, digits, '_', '.' or '-'");
            }
            require("password", password);
            if (password.length() < 8 || password.length() > 128) {
                throw ApiError.badField("password", "a password is 8 to 128 characters");
            }
            require("role", role);
        }
    }

    record Service(String address, Integer port) {
        Service {
            checkHost("address", address);
            checkPort("port", port);
        }
    }

    static void require(String field, Object value) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw ApiError.badField(field, "field '" + field + "' is required");
        }
    }

    static void checkName(String name) {
        require("name", name);
        if (!NAME.matcher(name).matches()) {
            throw ApiError.badField("name", "a name is 1-64 letters, digits, spaces and _ . ( ) -");
        }
    }

    static void checkHost(String field, String host) {
        require(field, host);
        if (!HOST.matcher(host).matches()) {
            throw ApiError.badField(field, "'" + host + "' is neither a host name nor an IPv4 address");
        }
    }

    static void checkPort(String field, Integer port) {
        checkRange(field, port, 1, 65_535);
    }

    static void checkRange(String field, Integer value, int min, int max) {
        require(field, value);
        if (value < min || value > max) {
            throw ApiError.badField(field, "field '" + field + "' must be between " + min + " and " + max);
        }
    }

    /**
     * An absolute, normalised path. When the recording server runs on this machine the path is
     * also checked to be a writable directory; a remote one checks its own disk when it applies it.
     */
    private static String checkStoragePath(String path, String host) {
        require("storagePath", path);
        Path p;
        try {
            p = Path.of(path);
        } catch (RuntimeException e) {
            throw ApiError.badField("storagePath", "'" + path + "' is not a valid path");
        }
        if (!p.isAbsolute() || !p.normalize().equals(p)) {
            throw ApiError.badField("storagePath", "storagePath must be an absolute path without '.' or '..'");
        }
        if (isThisMachine(host) && !(Files.isDirectory(p) && Files.isWritable(p))) {
            throw ApiError.badField("storagePath", p + " is not a writable directory on " + host
                    + "; create it and give the recording server's user write access");
        }
        return p.toString();
    }

    private static boolean isThisMachine(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress()
                    || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.io.IOException e) {
            return false; // a name that does not resolve here is another machine's
        }
    }
}
