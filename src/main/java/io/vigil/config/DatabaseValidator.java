package io.vigil.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Checks the {@code database:} section (SPEC §3); each error names the key and what to do. */
final class DatabaseValidator {

    private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    private final Path file;

    DatabaseValidator(Path file) {
        this.file = file;
    }

    void validate(DatabaseSection d, java.util.List<ResourceSection> resources) throws ConfigException {
        for (int i = 0; i < resources.size(); i++) {
            require(!"database".equals(resources.get(i).name()), "resources[" + i + "].name",
                    "'database' is the name Vigil gives its own database resource",
                    "Rename this resource");
        }
        if (d.internal()) {
            internal(d);
        } else {
            external(d);
        }
    }

    private void internal(DatabaseSection d) throws ConfigException {
        require(d.url() == null && d.user() == null && d.passwordFile() == null, "database.url",
                "url, user and passwordFile are for mode external only",
                "Remove them: with mode internal Vigil runs the database and derives its passwords from the cluster key");
        require(Files.isExecutable(d.binDir().resolve("pg_ctl")), "database.binDir",
                "PostgreSQL's tools are not in " + d.binDir() + " (no pg_ctl)",
                "Install PostgreSQL 15 (apt-get install postgresql-15) or set binDir to the folder holding pg_ctl");
        require(!"root".equals(d.osUser()) && USER.matcher(d.osUser()).matches(), "database.osUser",
                "'" + d.osUser() + "' cannot run PostgreSQL (it refuses to run as root)",
                "Use the postgres user of the PostgreSQL package, or another non-root user");
        require(d.dataDir() != null, "database.dataDir", "is required", "Set the data directory, e.g. /var/lib/vigil/pgdata");
        java.util.Optional<String> unreachable = io.vigil.replication.PgAccess.problem(d.dataDir(), d.osUser());
        if (unreachable.isPresent()) {
            throw new ConfigException(file, "database.dataDir", unreachable.get(), "");
        }
        port("database.port", d.port());
        port("database.peerPort", d.peerPort());
        require(CIDR.matcher(d.allowedCidr()).matches(), "database.allowedCidr",
                "'" + d.allowedCidr() + "' is not an IPv4 network like 10.0.0.2/32",
                "Give the peer node's address with a prefix length");
    }

    private void external(DatabaseSection d) throws ConfigException {
        require(d.url() != null && d.url().startsWith("jdbc:postgresql://"), "database.url",
                d.url() == null ? "is required with mode external" : "'" + d.url() + "' is not a PostgreSQL JDBC URL",
                "Use jdbc:postgresql://HOST:PORT/DATABASE");
        require(d.user() != null && !d.user().isBlank(), "database.user", "is required with mode external",
                "Give the database user the VMS services connect as");
        require(d.passwordFile() != null, "database.passwordFile", "is required with mode external",
                "Put the password in a file only the vigil user can read, and give its path");
        require(Files.isReadable(d.passwordFile()), "database.passwordFile",
                "cannot read " + d.passwordFile(), "Check that it exists and that the vigil user may read it");
    }

    private void port(String path, int port) throws ConfigException {
        require(port >= 1 && port <= 65535, path, "must be a TCP port (1-65535), was " + port, "Use 5432 unless taken");
    }

    private void require(boolean ok, String path, String problem, String fix) throws ConfigException {
        if (!ok) {
            throw new ConfigException(file, path, problem, fix);
        }
    }
}
