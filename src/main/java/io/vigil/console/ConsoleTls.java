package io.vigil.console;

import io.vigil.config.ConfigException;
import io.vigil.config.ConsoleSection;
import io.vigil.config.VigilConfig;
import io.vigil.log.ModuleLog;
import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClientCertificates;
import io.vigil.pki.ConsoleCertificate;
import io.vigil.pki.PkiException;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The console's HTTPS (issue 12): its certificate (the site's own, or one issued from the cluster
 * CA), the optional client CA ({@value ClientCertificates#FILE}, beside the certificate) that turns
 * on client-certificate login, and their reload. The files are looked at every few seconds; when
 * one changed (`vigil cert renew`, or an operator replacing a custom PKI's files) the new context
 * goes into Jetty's factory, so new connections get the new certificate while open ones finish on
 * the old: no restart, no downtime. A set that does not load is logged and the old one kept.
 */
final class ConsoleTls {
    private final VigilConfig config;
    private final ModuleLog log;
    private final Path certificate;
    private final Path key;
    private final Path clientCaFile;
    private final SslContextFactory.Server factory = new SslContextFactory.Server();
    private volatile ClientCertificates clientCa;
    private List<Object> stamp;

    private ConsoleTls(VigilConfig config, ModuleLog log, Path certificate, Path key) {
        this.config = config;
        this.log = log;
        this.certificate = certificate;
        this.key = key;
        this.clientCaFile = certificate.toAbsolutePath().getParent().resolve(ClientCertificates.FILE);
    }

    /** The console's TLS, or null for plain HTTP (logged as the error it nearly is). */
    static ConsoleTls open(VigilConfig config, ModuleLog log) throws ConfigException {
        ConsoleSection c = config.console();
        ConsoleTls tls = switch (c.mode()) {
            case HTTPS_CONFIGURED -> new ConsoleTls(config, log, c.certificate(), c.privateKey());
            case HTTPS_CLUSTER -> {
                Path dir = clusterCertificate(config, log);
                yield new ConsoleTls(config, log, dir.resolve(CertificateSet.SERVER),
                        dir.resolve(CertificateSet.SERVER_KEY));
            }
            case HTTP_ASKED, HTTP_NOT_PAIRED -> {
                log.error("console: WARNING: " + c.plainHttpWarning());
                yield null;
            }
        };
        if (tls != null) {
            tls.stamp = tls.stamp();
            tls.factory.setSslContext(tls.load());
            // Asked, not required: without a certificate the password login stays (see docs/security.md).
            tls.factory.setWantClientAuth(tls.clientCa != null);
        }
        return tls;
    }

    SslContextFactory.Server factory() {
        return factory;
    }

    /** The client CA in force, or null: no client-certificate login. */
    ClientCertificates clientCa() {
        return clientCa;
    }

    /** Reloads the certificates when a file changed; never throws (a bad new set keeps the old one serving). */
    void reloadIfChanged() {
        List<Object> now = stamp();
        if (now.equals(stamp)) {
            return;
        }
        stamp = now;
        try {
            SSLContext context = load();
            boolean want = clientCa != null;
            factory.reload(f -> {
                f.setSslContext(context);
                ((SslContextFactory.Server) f).setWantClientAuth(want);
            });
            log.info("console: reloaded the HTTPS certificate " + certificate + " (new connections use it)"
                    + (want ? "; client-certificate login with " + clientCaFile : ""));
        } catch (Exception e) {
            log.error("console: the changed HTTPS certificate " + certificate + " cannot be used, still serving the"
                    + " previous one: " + e.getMessage());
        }
    }

    /** Reads the certificate, key and client CA into a new context; sets {@link #clientCa}. */
    private SSLContext load() throws ConfigException {
        ClientCertificates ca = null;
        TrustManager[] trust = null;
        if (Files.exists(clientCaFile)) {
            try {
                ca = ClientCertificates.load(clientCaFile);
                trust = ca.trustManagers();
            } catch (IOException | PkiException | GeneralSecurityException e) {
                throw new ConfigException(config.sourceFile(), "console", "cannot use the client CA " + clientCaFile
                        + ": " + e.getMessage(), "Put the PEM certificate of the CA of your users' client"
                        + " certificates there, or remove the file to turn client-certificate login off");
            }
        }
        SSLContext context = Pem.context(config.sourceFile(), certificate, key, trust);
        clientCa = ca;
        return context;
    }

    /** What changes when a file is replaced (renamed over, or rewritten). */
    private List<Object> stamp() {
        List<Object> s = new ArrayList<>();
        for (Path p : List.of(certificate, key, clientCaFile)) {
            try {
                s.add(Files.getLastModifiedTime(p));
                s.add(Files.size(p));
                s.add(Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
            } catch (IOException absent) {
                s.add("absent");
            }
        }
        return s;
    }

    private static Path clusterCertificate(VigilConfig config, ModuleLog log) throws ConfigException {
        Path dataDir = config.node().dataDir();
        List<String> hosts = ConsoleServer.consoleHosts(config);
        List<String> ips = ConsoleServer.consoleIps(config);
        try {
            ConsoleCertificate.Result r = ConsoleCertificate.ensure(dataDir, hosts, ips, Clock.systemUTC());
            if (r.issued()) {
                log.info("console: issued a new HTTPS certificate from the cluster CA (" + r.reason() + ") for "
                        + hosts + " " + ips + "; browsers trust it once they trust "
                        + r.dir().resolve(CertificateSet.CA) + " (or import " + r.dir().resolve(CertificateSet.EXPORT) + ")");
            }
            return r.dir();
        } catch (IOException | PkiException e) {
            throw new ConfigException(config.sourceFile(), "console", "cannot make the console's HTTPS certificate: "
                    + e.getMessage(), "Set console.certificate and console.privateKey (your own PKI), or run the node"
                    + " that holds the cluster CA key");
        }
    }
}
