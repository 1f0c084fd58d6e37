package io.vigil.daemon;

import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code vigil node --config FILE}: runs one node until SIGTERM / Ctrl-C. */
public final class NodeMain {
    private NodeMain() {
    }

    /** Entry point used by scripts and tests that start a node without the CLI. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: NodeMain CONFIG_FILE");
            System.exit(2);
        }
        System.exit(run(Path.of(args[0])));
    }

    /** Runs the node in the foreground; returns the process exit code. */
    public static int run(Path configFile) throws IOException {
        VigilConfig config;
        try {
            io.vigil.protocol.ProtocolVersion.current();
        } catch (ExceptionInInitializerError e) {
            System.err.println(e.getCause().getMessage()); // a bad test-only -Dvigil.protocol.version
            return 2;
        }
        try {
            // Issue 15: the first start of a newer Vigil brings an older configuration file forward.
            io.vigil.config.ConfigFormat.migrate(configFile).ifPresent(backup -> System.err.println("configuration "
                    + configFile + " rewritten in format " + io.vigil.config.ConfigFormat.CURRENT + "; the previous"
                    + " file is kept as " + backup));
        } catch (IOException e) {
            // An older format reads as is (format 2 only adds its own line): a configuration folder
            // the node may not write (the package's /etc/vigil is root's) must not stop it.
            System.err.println("configuration " + configFile + " left in its older format (cannot rewrite it in"
                    + " format " + io.vigil.config.ConfigFormat.CURRENT + ": " + e.getMessage() + "); it is read as"
                    + " is. To bring it forward, add the line 'format: " + io.vigil.config.ConfigFormat.CURRENT
                    + "' at its top as root");
        }
        try {
            config = VigilConfig.load(configFile);
            config.checkKeyIsPrivate();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        NodeDaemon daemon;
        try {
            daemon = NodeDaemon.start(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("vigil node " + config.node().id() + " cannot start: " + e.getMessage());
            return 3;
        }
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        SystemdWatchdog pinger = SystemdNotify.watchdogMicros(System.getenv(), ProcessHandle.current().pid())
                .filter(us -> systemd.enabled())
                .map(us -> SystemdWatchdog.start(systemd, us, daemon::lastProgressNanos)).orElse(null);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            systemd.send("STOPPING=1");
            if (pinger != null) {
                pinger.close();
            }
            daemon.close();
            stopped.countDown();
        }, "vigil-shutdown"));
        for (String w : config.warnings()) {
            System.err.println("WARNING: " + w);
        }
        System.err.println("vigil node " + config.node().id() + " running; logs in " + config.node().logDir());
        // Type=notify: systemd counts the node as started once its channels are open, not at exec.
        systemd.send("READY=1\nSTATUS=node " + config.node().id() + " running");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
