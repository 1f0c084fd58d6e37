package io.vigil.vms.management;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options every reference-VMS server takes to listen and to reach the cluster's database
 * (a picocli mixin). As a cluster resource it needs none of the database ones: the node passes
 * {@code VIGIL_DB_URL}, {@code VIGIL_DB_USER} and {@code VIGIL_DB_PASSWORD} in the environment
 * (readable only by the same user and root). Secrets never come on the command line (readable by
 * all in /proc).
 */
public final class DatabaseOptions {
    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "address to listen on (default ${DEFAULT-VALUE})")
    public String bind;
    @Option(names = "--node", defaultValue = "unknown", description = "the node this copy runs on, shown by /health")
    public String node;
    @Option(names = "--jdbc-url", defaultValue = "${env:VIGIL_DB_URL}",
            description = "e.g. jdbc:postgresql://127.0.0.1:5432/vms (default: VIGIL_DB_URL, which the cluster sets)")
    String jdbcUrl;
    @Option(names = "--db-user", defaultValue = "${env:VIGIL_DB_USER:-vigil_app}",
            description = "database account (default: VIGIL_DB_USER, else vigil_app)")
    String dbUser;
    @Option(names = "--db-password-file",
            description = "file holding the database password (default: VIGIL_DB_PASSWORD, which the cluster sets)")
    Path dbPasswordFile;
    @Option(names = "--pool", defaultValue = "8", description = "database connections (default ${DEFAULT-VALUE})")
    int pool;

    /** Opens the pool and brings the schema up to date (Flyway locks, so servers starting together are safe). */
    public Store openStore() throws IOException {
        Store store = store();
        store.migrate();
        return store;
    }

    /** Opens the pool (it connects in the background; a request waits for it at most 2 s). */
    Store store() throws IOException {
        if (jdbcUrl == null || jdbcUrl.isBlank()) {
            throw new IOException("no database given: pass --jdbc-url, or run the server as a cluster resource"
                    + " (the node sets VIGIL_DB_URL, VIGIL_DB_USER and VIGIL_DB_PASSWORD)");
        }
        String password = dbPasswordFile != null ? secret(dbPasswordFile, "--db-password-file")
                : System.getenv("VIGIL_DB_PASSWORD");
        if (password == null || password.isEmpty()) {
            throw new IOException("no database password: pass --db-password-file, or set VIGIL_DB_PASSWORD");
        }
        return Store.open(jdbcUrl, dbUser, password, pool);
    }

    public static String secret(Path file, String option) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(option + " " + file + " cannot be read; check it exists and this user may read it");
        }
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw new IOException(option + " " + file + " is empty; write the secret into it");
        }
        return s;
    }
}
