package io.vigil.vms.management;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
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

    @Option(names = "--reporter-password-file",
            description = "file holding the password of the account 'vigil-node' (role reporter) the cluster's nodes"
                    + " send their events with; the account is created when it does not exist")
    Path reporterPasswordFile;

    @Option(names = "--coordinator-token-file",
            description = "file holding the bearer token of the recording and failover servers'"
                    + " --coordinator-token-file: with it, this management server also runs the recording-server"
                    + " failover coordinator")
    Path coordinatorTokenFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ManagementMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!WarmStandby.await("management server", this::warmUp)) {
            return 0;
        }
        long t0 = System.nanoTime();
        Store store = db.openStore();
        long schema = System.nanoTime();
        try {
            // Before the port opens: a client (a node's event notifier) must not try the accounts
            // before they exist, and count failed logins towards a lockout.
            bootstrap(new Accounts(store, Clock.systemUTC()));
        } catch (ApiError e) {
            store.close();
            throw new IOException(e.getMessage() + "; write a longer password into the file and start again", e);
        }
        long accounts = System.nanoTime();
        ManagementServer server = ManagementServer.start(store, Clock.systemUTC(), db.node, db.bind, port,
                java.util.Set.copyOf(clusterHosts));
        long end = System.nanoTime();
        System.out.println("management server on " + db.bind + ":" + server.port() + ", " + (end - t0) / 1_000_000
                + " ms after its start or activation (database and schema " + (schema - t0) / 1_000_000
                + " ms, accounts " + (accounts - schema) / 1_000_000 + " ms, web server " + (end - accounts) / 1_000_000
                + " ms)");
        if (coordinatorTokenFile == null) {
            return runUntilStopped(server, store);
        }
        FailoverCoordinator coordinator = FailoverCoordinator.start(store, FailoverCoordinator.Options.defaults(
                DatabaseOptions.secret(coordinatorTokenFile, "--coordinator-token-file")));
        return runUntilStopped(() -> {
            coordinator.close();
            server.close();
        }, store);
    }

    /**
     * A warm standby's rehearsals, then one slow password hash: the first logins after a
     * takeover find it compiled.
     */
    private void warmUp(java.util.function.BooleanSupplier activated) {
        WarmStandby.rehearse(none -> {
            ManagementServer s = ManagementServer.start(none, Clock.systemUTC(), db.node, "127.0.0.1", 0,
                    java.util.Set.copyOf(clusterHosts));
            return new WarmStandby.Running(s, s.port());
        });
        WarmStandby.rehearseConnection(db, activated);
        if (!activated.getAsBoolean()) {
            io.vigil.security.PasswordHash.of("warm-up");
        }
    }

    /** The accounts the password files ask for, each only when missing (so a restart changes nothing). */
    private void bootstrap(Accounts accounts) throws IOException, java.sql.SQLException {
        if (adminPasswordFile != null
                && accounts.bootstrap(DatabaseOptions.secret(adminPasswordFile, "--admin-password-file"))) {
            System.out.println("created the first administrator, user 'admin'");
        }
        if (reporterPasswordFile != null && accounts.ensure(ManagementServer.NODE_REPORTER, 
                DatabaseOptions.secret(reporterPasswordFile, "--reporter-password-file"), "reporter")) {
            System.out.println("created the nodes' event account, user '" + ManagementServer.NODE_REPORTER + "'");
        }
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
