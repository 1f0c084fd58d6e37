package io.vigil.vms.management;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the management server as its own process, the way the cluster starts it as a resource:
 * {@code java -cp vigil.jar:lib/* io.vigil.vms.management.ManagementMain --jdbc-url ... }.
 * Secrets come from files (never the command line, which other users can read in /proc).
 */
@Command(name = "vigil-management", mixinStandardHelpOptions = true,
        description = "The reference VMS's management server: configuration REST API on the cluster's database.")
public final class ManagementMain implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "address to listen on (default ${DEFAULT-VALUE})")
    String bind;
    @Option(names = "--port", defaultValue = "8100", description = "port (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--node", defaultValue = "unknown", description = "the node this copy runs on, shown by /health")
    String node;
    @Option(names = "--jdbc-url", required = true, description = "e.g. jdbc:postgresql://127.0.0.1:5432/vms")
    String jdbcUrl;
    @Option(names = "--db-user", defaultValue = "vigil_app", description = "database account (default ${DEFAULT-VALUE})")
    String dbUser;
    @Option(names = "--db-password-file", required = true, description = "file holding the database password")
    Path dbPasswordFile;
    @Option(names = "--admin-password-file",
            description = "file holding the first administrator's password; used only when the database has no user")
    Path adminPasswordFile;
    @Option(names = "--pool", defaultValue = "8", description = "database connections (default ${DEFAULT-VALUE})")
    int pool;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ManagementMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Store store = Store.open(jdbcUrl, dbUser, secret(dbPasswordFile, "--db-password-file"), pool);
        int ran = store.migrate();
        ManagementServer server = ManagementServer.start(store, Clock.systemUTC(), node, bind, port);
        if (adminPasswordFile != null && server.bootstrapAdministrator(secret(adminPasswordFile, "--admin-password-file"))) {
            System.out.println("created the first administrator, user 'admin'");
        }
        System.out.println("management server on " + bind + ":" + server.port() + " (schema migrations run: " + ran + ")");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            store.close();
            stop.countDown();
        }, "management-shutdown"));
        stop.await();
        return 0;
    }

    private static String secret(Path file, String option) throws java.io.IOException {
        if (!Files.isReadable(file)) {
            throw new CommandLine.ParameterException(new CommandLine(new ManagementMain()),
                    option + " " + file + " cannot be read; check it exists and this user may read it");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(new ManagementMain()), option + " " + file + " is empty");
        }
        return s;
    }
}
