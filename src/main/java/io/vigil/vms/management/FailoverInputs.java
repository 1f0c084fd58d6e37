package io.vigil.vms.management;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The failover bodies the API accepts (issue 14, SPEC §9), each with its checks; a bad field is named. */
final class FailoverInputs {
    static final int DEFAULT_WEB_PORT = 7563;
    static final int DEFAULT_UDP_PORT = 8844;
    static final Set<String> SUPPORT = Set.of("full", "live-only", "none");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}"
            + "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final int MAX_DESCRIPTION = 500;
    private static final int MAX_GROUP_SIZE = 64;

    private FailoverInputs() {
    }

    /**
     * A failover recording server. {@code hostName} is set when it is registered and read-only
     * afterwards (an update may leave it out or repeat it); the local web address defaults to
     * {@code http://HOST:7563/}, the UDP port to 8844.
     */
    record FailoverServer(String name, String description, String hostName, String localWebAddress,
                          String publicWebAddress, Integer udpPort, String databaseLocation, Boolean enabled,
                          String multicastNicAddress) {
        FailoverServer {
            Inputs.checkName(name);
            description = checkDescription(description);
            if (hostName != null) {
                Inputs.checkHost("hostName", hostName);
            }
            localWebAddress = localWebAddress == null ? null : webAddress("localWebAddress", localWebAddress);
            publicWebAddress = publicWebAddress == null ? null : webAddress("publicWebAddress", publicWebAddress);
            udpPort = udpPort == null ? DEFAULT_UDP_PORT : udpPort;
            Inputs.checkPort("udpPort", udpPort);
            databaseLocation = absolutePath("databaseLocation", databaseLocation);
            enabled = enabled == null || enabled;
            if (multicastNicAddress != null && !IPV4.matcher(multicastNicAddress).matches()) {
                throw ApiError.badField("multicastNicAddress", "'" + multicastNicAddress + "' is not an IPv4 address"
                        + " of one of the failover server's network interfaces; leave it out to use the default");
            }
        }
    }

    record FailoverGroup(String name, String description) {
        FailoverGroup {
            Inputs.checkName(name);
            description = checkDescription(description);
        }
    }

    /** Appends one server at the end of a group's sequence (the default order: order added). */
    record Member(Long failoverServerId) {
        Member {
            checkId("failoverServerId", failoverServerId);
        }
    }

    /** A group's whole sequence, first to take over first: reorders, adds and removes at once. */
    record Sequence(List<Long> failoverServerIds) {
        Sequence {
            Inputs.require("failoverServerIds", failoverServerIds);
            if (failoverServerIds.size() > MAX_GROUP_SIZE) {
                throw ApiError.badField("failoverServerIds", "a group holds at most " + MAX_GROUP_SIZE + " servers");
            }
            Set<Long> seen = new HashSet<>();
            for (Long id : failoverServerIds) {
                checkId("failoverServerIds", id);
                if (!seen.add(id)) {
                    throw ApiError.badField("failoverServerIds", "failover server " + id + " is listed twice;"
                            + " a server has one place in the sequence");
                }
            }
            failoverServerIds = List.copyOf(failoverServerIds);
        }
    }

    /** A recording server's protection: a primary group and optional secondary group, or one hot standby. */
    record Protection(Long primaryGroupId, Long secondaryGroupId, Long hotStandbyId) {
        Protection {
            if (hotStandbyId != null && (primaryGroupId != null || secondaryGroupId != null)) {
                throw ApiError.badField("hotStandbyId", "a recording server has either a hot standby or failover"
                        + " groups, not both; send hotStandbyId alone or primaryGroupId (and secondaryGroupId)");
            }
            if (secondaryGroupId != null && primaryGroupId == null) {
                throw ApiError.badField("secondaryGroupId", "a secondary group needs a primary group; set primaryGroupId");
            }
            if (secondaryGroupId != null && secondaryGroupId.equals(primaryGroupId)) {
                throw ApiError.badField("secondaryGroupId", "the secondary group must differ from the primary group");
            }
            checkOptionalId("primaryGroupId", primaryGroupId);
            checkOptionalId("secondaryGroupId", secondaryGroupId);
            checkOptionalId("hotStandbyId", hotStandbyId);
        }
    }

    record DeviceSupport(String support) {
        DeviceSupport {
            Inputs.require("support", support);
            if (!SUPPORT.contains(support)) {
                throw ApiError.badField("support", "support '" + support + "' is not one of "
                        + SUPPORT.stream().sorted().toList());
            }
        }
    }

    /** The coordinator's report: {@code failoverServerId} now covers the recording server. */
    record Cover(Long failoverServerId) {
        Cover {
            checkId("failoverServerId", failoverServerId);
        }
    }

    private static String checkDescription(String d) {
        if (d == null) {
            return "";
        }
        if (d.length() > MAX_DESCRIPTION || d.chars().anyMatch(ch -> ch < 32 && ch != '\t')) {
            throw ApiError.badField("description", "a description is at most " + MAX_DESCRIPTION
                    + " characters, without line breaks or control characters");
        }
        return d;
    }

    private static String webAddress(String field, String address) {
        Inputs.require(field, address);
        try {
            URI u = new URI(address);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && u.getUserInfo() == null && u.getQuery() == null && u.getFragment() == null) {
                return u.toString();
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw ApiError.badField(field, "'" + address + "' is not a web server address; write it as"
                + " http://HOST:PORT/ or https://HOST:PORT/");
    }

    private static String absolutePath(String field, String path) {
        Inputs.require(field, path);
        try {
            Path p = Path.of(path);
            if (p.isAbsolute() && p.normalize().equals(p)) {
                return p.toString();
            }
        } catch (RuntimeException e) {
            // refused below
        }
        throw ApiError.badField(field, field + " must be an absolute path without '.' or '..' on the failover server");
    }

    private static void checkId(String field, Long id) {
        Inputs.require(field, id);
        checkOptionalId(field, id);
    }

    private static void checkOptionalId(String field, Long id) {
        if (id != null && id <= 0) {
            throw ApiError.badField(field, "field '" + field + "' is an id (a positive number)");
        }
    }
}
