package io.vigil.replication;

import io.vigil.pki.ClusterTls;
import io.vigil.pki.PkiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The database's TLS (issue 12): PostgreSQL serves, and every connection between the nodes is
 * made, with this node's cluster certificates ({@link ClusterTls}, in {@code <nodeDataDir>/tls}).
 *
 * <p>PostgreSQL runs as its own non-root user and refuses a key that others can read, and libpq
 * (walreceiver, pg_basebackup, pg_rewind, run as that user) reads its client certificate from
 * files too. So the three files are copied, by that user itself ({@link PgCommand#writeOwned}),
 * into a folder of its own beside the data directory ({@code <data>.tls}, 0700, files 0600):
 * outside the data directory, which pg_basebackup and pg_rewind overwrite with the peer's. The
 * copy is refreshed at every start and before every resync, so renewed certificates
 * ({@link ClusterTls#install}) are taken at the next start. The daemon's own JDBC connections to
 * the peer use {@link ClusterTls#context()} directly ({@link PgTlsSocketFactory}).
 *
 * @param nodeDataDir the Vigil node's data directory, whose {@code tls/} holds the certificates
 */
public record PgTls(Path nodeDataDir) {

    /** The cluster CA (libpq's sslrootcert, the server's ssl_ca_file). */
    static final String ROOT = "root.crt";
    /** This node's certificate chain: the server's ssl_cert_file and libpq's client sslcert. */
    static final String CERT = "node.crt";
    static final String KEY = "node.key";

    public PgTls {
        Objects.requireNonNull(nodeDataDir, "nodeDataDir");
    }

    /** TLS with the node's certificates when it has them (it is paired), else empty (plaintext). */
    public static java.util.Optional<PgTls> ifPresent(Path nodeDataDir) {
        return ClusterTls.present(nodeDataDir) ? java.util.Optional.of(new PgTls(nodeDataDir))
                : java.util.Optional.empty();
    }

    /** The folder of the database user's copies, beside the data directory. */
    static Path copyDir(PgConfig cfg) {
        Path abs = cfg.dataDir().toAbsolutePath();
        return abs.resolveSibling(abs.getFileName() + ".tls");
    }

    static Path copy(PgConfig cfg, String name) {
        return copyDir(cfg).resolve(name);
    }

    /** The node's certificates, for the daemon's JDBC connections (read as root, never copied). */
    SSLContext context() {
        try {
            return ClusterTls.load(nodeDataDir).context();
        } catch (IOException | PkiException e) {
            throw PgException.of("cannot use this node's cluster certificates for the database: " + e.getMessage(),
                    "", List.of(), "pair the nodes again (vigil setup), which writes " + ClusterTls.dir(nodeDataDir));
        }
    }

    /**
     * What this process last wrote into each copy folder: each write is a process run as the
     * database user, and a start or a resync asks several times for the same files.
     */
    private static final Map<Path, List<String>> WRITTEN = new ConcurrentHashMap<>();

    /** Writes (as the database user, 0600) its copies of the CA, the node's chain and key, when they changed. */
    void install(PgConfig cfg) {
        Path src = ClusterTls.dir(nodeDataDir);
        List<String> files = List.of(read(src.resolve(ClusterTls.CA)), read(src.resolve(ClusterTls.NODE)),
                read(src.resolve(ClusterTls.NODE_KEY)));
        Path dir = copyDir(cfg);
        if (files.equals(WRITTEN.get(dir)) && Files.isRegularFile(copy(cfg, KEY), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        PgCommand.mkdirOwned(cfg, dir);
        PgCommand.writeOwned(cfg, copy(cfg, ROOT), files.get(0), "rw-------");
        PgCommand.writeOwned(cfg, copy(cfg, CERT), files.get(1), "rw-------");
        PgCommand.writeOwned(cfg, copy(cfg, KEY), files.get(2), "rw-------");
        WRITTEN.put(dir, files);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw PgException.of("cannot read " + file + " (" + e.getMessage() + ") for the database's TLS", "",
                    List.of(), "pair the nodes again (vigil setup), which writes " + file.getParent());
        }
    }

    /** Server settings for vigil-local.conf: TLS 1.3 only, client certificates checked against the CA. */
    static String serverSettings(PgConfig cfg) {
        if (cfg.tls() == null) {
            return "ssl = off\n";
        }
        return "ssl = on\n"
                + "ssl_cert_file = '" + copy(cfg, CERT) + "'\n"
                + "ssl_key_file = '" + copy(cfg, KEY) + "'\n"
                + "ssl_ca_file = '" + copy(cfg, ROOT) + "'\n"
                // PostgreSQL 15 with OpenSSL 3 speaks TLS 1.3, like every other channel of the cluster.
                + "ssl_min_protocol_version = 'TLSv1.3'\n";
    }

    /**
     * libpq options for a connection from {@code cfg}'s node to its peer: verify-full against the
     * cluster CA (the peer's certificate must name the address dialled) and this node's
     * certificate as the client's; empty without TLS.
     */
    static String clientOptions(PgConfig cfg) {
        if (cfg.tls() == null) {
            return "";
        }
        return " sslmode=verify-full sslrootcert=" + PgFiles.connQuote(copy(cfg, ROOT).toString())
                + " sslcert=" + PgFiles.connQuote(copy(cfg, CERT).toString())
                + " sslkey=" + PgFiles.connQuote(copy(cfg, KEY).toString())
                + " ssl_min_protocol_version=TLSv1.3";
    }
}
