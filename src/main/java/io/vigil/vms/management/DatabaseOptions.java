package io.vigil.vms.management;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The options every reference-VMS server takes to listen and to reach the cluster's database
 * (a picocli mixin). Secrets come from files, never the command line (readable by all in /proc).
 */
public final class DatabaseOptions {
    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "address to listen on (default ${DEFAULT-VALUE})")
    public String bind;
    @Option(names = "--node", defaultValue = "unknown", description = "the node this copy runs on, shown by /health")
    public String node;
    @Option(names = "--jdbc-url", required = true, description = "e.g. jdbc:postgresql://127.0.0.1:5432/vms")
    String jdbcUrl;
    @Option(names = "--db-user", defaultValue = "vigil_app", description = "database account (default ${DEFAULT-VALUE})")
    String dbUser;
    @Option(names = "--db-password-file", required = true, description = "file holding the database password")
    Path dbPasswordFile;
    @Option(names = "--pool", defaultValue = "8", description = "database connections (default ${DEFAULT-VALUE})")
    int pool;

    /** Opens the pool and brings the schema up to date (Flyway locks, so servers starting together are safe). */
    public Store openStore() throws IOException {
        Store store = Store.open(jdbcUrl, dbUser, secret(dbPasswordFile, "--db-password-file"), pool);
        store.migrate();
        return store;
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
