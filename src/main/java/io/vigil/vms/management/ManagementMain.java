package io.vigil.vms.management;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * Runs the management server as its own process, the way the cluster starts it as a resource:
 * {@code java -cp vigil.jar:lib/* io.vigil.vms.management.ManagementMain --jdbc-url ... }.
 */
@Command(name = "vigil-management", mixinStandardHelpOptions = true,
        description = "The reference VMS's management server: configuration REST API on the cluster's database.")
public final class ManagementMain implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;
    @Option(names = "--port", defaultValue = "8100", description = "port (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--admin-password-file",
            description = "file holding the first administrator's password; used only when the database has no user")
    Path adminPasswordFile;
    @Option(names = "--cluster-host", paramLabel = "HOST",
            description = "a cluster node's host name (repeat for each node): a failover recording server there may"
                    + " only be a hot standby")
    java.util.List<String> clusterHosts = new java.util.ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ManagementMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Store store = db.openStore();
        ManagementServer server = ManagementServer.start(store, Clock.systemUTC(), db.node, db.bind, port,
                java.util.Set.copyOf(clusterHosts));
        if (adminPasswordFile != null
                && server.bootstrapAdministrator(DatabaseOptions.secret(adminPasswordFile, "--admin-password-file"))) {
            System.out.println("created the first administrator, user 'admin'");
        }
        System.out.println("management server on " + db.bind + ":" + server.port());
        return runUntilStopped(server, store);
    }

    /** Blocks until the process is told to stop (SIGTERM from the cluster), then closes cleanly. */
    public static int runUntilStopped(AutoCloseable server, Store store) throws InterruptedException {
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("stopping: " + e.getMessage());
            }
            store.close();
            stop.countDown();
        }, "vms-shutdown"));
        stop.await();
        return 0;
    }
}
