package io.vigil.console;

import io.vigil.api.DaemonStatus;
import io.vigil.api.LogPage;
import io.vigil.support.Dumps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The support snapshot of one node (SPEC §2 "Support"), built on demand: a zip holding one dump
 * folder {@code dump_<date>_<hour>/} with the node's three logs (verbose), its status, and —
 * for this node — its configuration with the secrets redacted. The peer's dump comes through
 * its admin channel (status and logs; its configuration stays on the peer). When the node's
 * support folder can be read here, the last 3 dumps and configurations it keeps go under
 * {@code kept/} ({@link io.vigil.support.Dumps}).
 */
public final class Snapshot {

    /** Lines of each log put in a dump: enough for a day of a busy node, small enough for a mail. */
    static final int LOG_LINES = 5000;

    private Snapshot() {
    }

    /**
     * @param configYaml this node's redacted configuration, or null for the peer
     * @param supportDir the node's support folder when readable from here, else null
     */
    static byte[] build(NodeAccess node, String configYaml, Path supportDir, Clock clock)
            throws NodeAccess.NodeUnavailable {
        String dump = "dump_" + LocalDateTime.now(clock).format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "/";
        DaemonStatus status = node.status();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, dump + "status.json", Json.write(status));
            for (String log : LogPage.LOGS) {
                LogPage page = node.logs(log, true, 0, LOG_LINES);
                put(zip, dump + log + ".log", String.join("\n", page.lines()) + "\n");
            }
            if (configYaml != null) {
                put(zip, dump + "configuration.yaml", configYaml);
            }
            if (supportDir != null) {
                putKept(zip, supportDir);
            }
            put(zip, "README.txt", "Vigil support snapshot of node" + node.id() + " (" + status.hostName()
                    + "), version " + status.version() + ".\nSecrets are redacted.\n");
        } catch (IOException e) {
            throw new UncheckedIOException("writing a zip in memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The same snapshot, built by the CLI from a node's admin channel (`vigil snapshot`).
     *
     * @param configYaml the node's redacted configuration when the CLI has it, else null
     */
    public static byte[] overAdminChannel(io.vigil.admin.AdminClient client, int nodeId, String configYaml)
            throws io.vigil.admin.AdminException {
        return overAdminChannel(client, nodeId, configYaml, null);
    }

    /** @param supportDir the node's support folder when the CLI runs on that node, else null */
    public static byte[] overAdminChannel(io.vigil.admin.AdminClient client, int nodeId, String configYaml,
                                          Path supportDir) throws io.vigil.admin.AdminException {
        try {
            return build(new NodeAccess.Peer(client, nodeId), configYaml, supportDir, Clock.systemDefaultZone());
        } catch (NodeAccess.NodeUnavailable e) {
            Throwable cause = e.getCause();
            if (cause instanceof io.vigil.admin.AdminException a) {
                throw a;
            }
            throw new io.vigil.admin.AdminException(io.vigil.admin.AdminException.Kind.UNREACHABLE, e.getMessage(), e);
        }
    }

    /** The dumps and configurations the node keeps; a folder this user may not read is said, not skipped silently. */
    private static void putKept(ZipOutputStream zip, Path supportDir) throws IOException {
        try {
            for (Map.Entry<String, Path> f : Dumps.keptFiles(supportDir).entrySet()) {
                zip.putNextEntry(new ZipEntry(KEPT + f.getKey()));
                zip.write(Files.readAllBytes(f.getValue()));
                zip.closeEntry();
            }
        } catch (IOException e) {
            put(zip, KEPT + "NOT-INCLUDED.txt", "The dumps and configurations kept in " + supportDir
                    + " could not be read: " + e + "\nRun the snapshot as root or as the node's user.\n");
        }
    }

    /** Where the kept dumps and configurations go in the zip. */
    static final String KEPT = "kept/";

    private static void put(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
