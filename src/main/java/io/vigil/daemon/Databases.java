package io.vigil.daemon;

import io.vigil.config.ConfigException;
import io.vigil.config.DatabaseSection;
import io.vigil.config.VigilConfig;
import io.vigil.replication.AppAccount;
import io.vigil.replication.PgConfig;
import io.vigil.replication.PgInstance;
import io.vigil.replication.PgTls;
import io.vigil.security.ClusterKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds this node's and the peer's PostgreSQL settings from the configuration (SPEC §3). The
 * database roles' passwords are derived from the db-superuser key, itself derived from the cluster
 * key ({@link ClusterKeys#dbSuperuser()}): both nodes compute the same ones, nobody has to type or
 * distribute them, there is no default password, and nothing else this node holds is keyed by them.
 */
public final class Databases {
    public static final String ADMIN_USER = "vigil_admin";
    public static final String REPLICATION_USER = "vigil_replication";
    /** The protected services' account and database (least privilege, issue 10 item 6). */
    public static final String APP_USER = "vigil_app";
    public static final String APP_DATABASE = "vms";

    private Databases() {
    }

    public static String applicationName(int nodeId) {
        return "vigil_node" + nodeId;
    }

    public static PgConfig local(VigilConfig c) throws ConfigException {
        DatabaseSection d = c.database();
        byte[] key = c.keys().dbSuperuser();
        return new PgConfig(d.binDir(), d.osUser(), d.dataDir(), d.port(), d.listenAddress(), null, null, null,
                ADMIN_USER, derive(key, "admin"), REPLICATION_USER, derive(key, "replication"),
                applicationName(c.node().id()), d.allowedCidr(), tls(c));
    }

    /**
     * TLS with this node's cluster certificates once it has them (issue 12); a node not paired
     * yet runs its database in plaintext, which {@link io.vigil.replication.DatabaseNode} logs.
     * The peer's settings carry this node's certificates too: they are what it connects with.
     */
    static PgTls tls(VigilConfig c) {
        return PgTls.ifPresent(c.node().dataDir()).orElse(null);
    }

    /** The peer's instance as this node reaches it (its data directory is not used from here). */
    public static PgConfig peer(VigilConfig c) throws ConfigException {
        DatabaseSection d = c.database();
        byte[] key = c.keys().dbSuperuser();
        return new PgConfig(d.binDir(), d.osUser(), d.dataDir(), d.peerPort(), d.peerAddress(), null, null, null,
                ADMIN_USER, derive(key, "admin"), REPLICATION_USER, derive(key, "replication"),
                applicationName(c.node().peerId()), d.allowedCidr(), tls(c));
    }

    /** What this node's services are told about the database, as environment variables. */
    public static Map<String, String> serviceEnvironment(VigilConfig c) throws ConfigException {
        DatabaseSection d = c.database();
        Map<String, String> env = new LinkedHashMap<>();
        if (d == null) {
            return env;
        }
        if (d.internal()) {
            AppAccount app = appAccount(c);
            env.put("VIGIL_DB_URL", "jdbc:postgresql://" + local(c).connectHost() + ":" + d.port() + "/" + app.database());
            env.put("VIGIL_DB_USER", app.user());
            env.put("VIGIL_DB_PASSWORD", app.password());
        } else {
            env.put("VIGIL_DB_URL", d.url());
            env.put("VIGIL_DB_USER", d.user());
            try {
                env.put("VIGIL_DB_PASSWORD", Files.readString(d.passwordFile(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new ConfigException(c.sourceFile(), "database.passwordFile", "cannot read " + d.passwordFile(),
                        "Check that it exists and that the vigil user may read it");
            }
        }
        return env;
    }

    /** The services' least-privilege account (internal mode). */
    public static AppAccount appAccount(VigilConfig c) throws ConfigException {
        return new AppAccount(APP_USER, derive(c.keys().dbSuperuser(), "app"), APP_DATABASE);
    }

    public static PgInstance instance(VigilConfig c) throws ConfigException {
        return new PgInstance(local(c));
    }

    /** The database superuser's password (tools, tests), from the cluster's db-superuser key. */
    public static String adminPassword(ClusterKeys keys) {
        return derive(keys.dbSuperuser(), "admin");
    }

    /**
     * The superuser password versions before the key split derived from the cluster key itself:
     * only to take over a database they made ({@link io.vigil.replication.PasswordUpgrade}).
     */
    public static String previousAdminPassword(VigilConfig c) throws ConfigException {
        return derive(c.clusterKey(), "admin");
    }

    /** One role's password: HMAC of the role's purpose under the db-superuser key. */
    static String derive(byte[] dbKey, String purpose) {
        return HexFormat.of().formatHex(io.vigil.security.Hmac.of(dbKey, "vigil database " + purpose));
    }
}
