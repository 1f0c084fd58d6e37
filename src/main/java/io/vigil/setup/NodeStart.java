package io.vigil.setup;

import io.vigil.security.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starting a node at the end of setup. By default the step starts it, detached in a session of
 * its own (the same Java and class path as the running command, so it is the same build), output
 * appended to {@code <logDir>/node.out}: "at the end node 1 is PRIM and node 2 SECOND"
 * (issue 12) needs nothing more from the operator. Sites with a service manager pass
 * {@code --no-start} and get the exact command to put in their unit instead.
 */
public final class NodeStart {
    private NodeStart() {
    }

    /** What {@link #start} did: the line to show the operator, and the daemon's process id (-1: not started). */
    public record Started(String message, long pid) { }

    private static java.util.Optional<Path> dataDir(Path config) {
        try {
            return java.util.Optional.of(io.vigil.config.VigilConfig.load(config).node().dataDir());
        } catch (io.vigil.config.ConfigException e) {
            return java.util.Optional.empty();
        }
    }

    /** Starts node {@code id} (or only says how). */
    public static Started start(Path config, int id, boolean printOnly) throws SetupException {
        String how = "vigil node --config " + config;
        if (printOnly) {
            // Issue 15: the packaged unit runs the node as vigil, and setup (root) wrote root's files.
            String data = dataDir(config).map(d -> " && chown -R vigil:vigil " + d).orElse("");
            return new Started("node " + id + " is not started (--no-start): start it with `" + how + "` as root,"
                    + " or with the package's unit, which runs it as user vigil: `chown vigil:vigil " + config + data
                    + " && systemctl enable --now vigil-node`; then check with `vigil status --config " + config + "`",
                    -1);
        }
        Path log;
        try {
            log = io.vigil.config.VigilConfig.load(config).node().logDir().resolve("node.out");
        } catch (io.vigil.config.ConfigException e) {
            throw new SetupException(e.getMessage());
        }
        List<String> cmd = new ArrayList<>(List.of("setsid", ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.vigil.daemon.NodeMain", config.toString()));
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(PrivateFiles.touch(log).toFile())).start();
            return new Started("node " + id + " started (process " + p.pid() + ", output in " + log + "); check it"
                    + " with `vigil status --config " + config + "`; at boot, start it with `" + how + "`", p.pid());
        } catch (IOException e) {
            throw new SetupException("node " + id + " is configured but could not be started (" + e.getMessage()
                    + "): start it with `" + how + "`", e);
        }
    }
}
