package io.vigil.cli;

import io.vigil.config.ConsoleSection;
import io.vigil.config.VigilConfig;
import io.vigil.console.ConsoleServer;
import io.vigil.pki.CertificateSet;
import io.vigil.pki.ClusterTls;
import io.vigil.pki.ConsoleCertificate;
import io.vigil.pki.PemFiles;
import io.vigil.pki.PkiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * `vigil cert renew` and `vigil cert export` (issue 12, SPEC §6-§7): certificate maintenance on a
 * configured node, run while its daemon runs. Renewal writes new files atomically; the daemon
 * picks them up without a restart (the console within seconds, node-to-node TLS at the next
 * handshake).
 */
final class CertMaintenance {
    private CertMaintenance() {
    }

    /** The options both commands take. */
    static final class Options {
        @Option(names = "--config", paramLabel = "FILE", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
        Path config;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;
    }

    /** Loads the configuration, runs the command, and turns its failures into a message and an exit code. */
    abstract static class Maintenance implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin
        Options options = new Options();
        /** What the message of a failure starts with. */
        private final String failure;

        Maintenance(String failure) {
            this.failure = failure;
        }

        abstract int run(VigilConfig c, PrintWriter err) throws IOException, PkiException;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                return run(ConfigFiles.load(options.config), err);
            } catch (CliException e) {
                err.println(e.getMessage());
                return e.exitCode();
            } catch (PkiException | IOException e) {
                err.println(failure + e.getMessage());
                return ExitCode.REFUSED;
            }
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = {"Issue this node a new certificate from the cluster CA (same names, valid 5 years) and,"
                    + " when the console uses a certificate of the cluster CA, a new console certificate too. The"
                    + " running node takes them without a restart: the console within seconds, the admin channel and"
                    + " directory replication at their next connection; PostgreSQL at its next start or resync."
                    + " Run it on each node. A console with your own PKI (console.certificate) is renewed by"
                    + " replacing its files; the console reloads them the same way."})
    static final class Renew extends Maintenance {
        Renew() {
            super("cannot renew: ");
        }

        @Override
        int run(VigilConfig c, PrintWriter err) throws IOException, PkiException {
            Path data = c.node().dataDir();
            if (!ClusterTls.present(data)) {
                err.println("this node has no cluster certificates in " + ClusterTls.dir(data) + ": nothing to"
                        + " renew; pair the nodes first (vigil setup secondary on node 2, then vigil setup primary"
                        + " on node 1)");
                return ExitCode.REFUSED;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            X509Certificate node = ClusterTls.renew(data, Clock.systemUTC().instant());
            result.put("node", describe(ClusterTls.dir(data).resolve(ClusterTls.NODE), node));
            result.put("console", console(c));
            print(result);
            return ExitCode.OK;
        }

        private Object console(VigilConfig c) throws IOException, PkiException {
            ConsoleSection s = c.console();
            if (s == null || !s.https()) {
                return "no console certificate: the console " + (s == null ? "is not configured" : "serves plain HTTP");
            }
            if (s.mode() == ConsoleSection.Mode.HTTPS_CONFIGURED) {
                return "your own PKI (" + s.certificate() + "): replace that file and " + s.privateKey()
                        + " with a renewed pair; the console reloads them within seconds";
            }
            Path data = c.node().dataDir();
            ConsoleCertificate.Result r = ConsoleCertificate.renew(data, ConsoleServer.consoleHosts(c),
                    ConsoleServer.consoleIps(c), Clock.systemUTC());
            Path file = r.dir().resolve(CertificateSet.SERVER);
            return describe(file, PemFiles.readCertificates(file).get(0));
        }

        private void print(Map<String, Object> result) throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (options.json) {
                out.println(NodeClientCommand.JSON.writeValueAsString(result));
                return;
            }
            for (Map.Entry<String, Object> e : result.entrySet()) {
                out.println(e.getKey() + ": " + (e.getValue() instanceof Map<?, ?> m ? "renewed " + m.get("file")
                        + ", valid until " + m.get("notAfter") + " (serial " + m.get("serial") + ")" : e.getValue()));
            }
            out.println("The running node uses them for new connections; nothing to restart. Renew on the other node"
                    + " too (vigil cert renew there).");
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the console's server certificate (serverCert.crt, no key) again, to import into"
                    + " browsers: the certificate this node's console serves now."})
    static final class Export extends Maintenance {
        @Option(names = "--out", paramLabel = "FILE", description = "Where to write it (default: ~/serverCert.crt).")
        Path out;

        Export() {
            super("cannot export the console certificate: ");
        }

        @Override
        int run(VigilConfig c, PrintWriter err) throws IOException, PkiException {
            Path source = servedCertificate(c);
            if (source == null) {
                err.println("the console " + (c.console() == null ? "is not configured (no console: section)"
                        : "serves plain HTTP") + ": there is no certificate to export");
                return ExitCode.REFUSED;
            }
            if (!Files.isRegularFile(source)) {
                err.println(source + " does not exist yet: the console issues it at the node's first start;"
                        + " start the node (vigil node) and run this again");
                return ExitCode.REFUSED;
            }
            X509Certificate leaf = PemFiles.readCertificates(source).get(0);
            Path target = out != null ? out : Path.of(System.getProperty("user.home"), CertificateSet.EXPORT);
            PemFiles.writeCertificate(target, leaf);
            Map<String, Object> d = describe(target, leaf);
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(options.json ? NodeClientCommand.JSON.writeValueAsString(d) : "wrote " + target + ": the"
                    + " console's certificate, valid until " + d.get("notAfter") + "; import it into the browsers");
            return ExitCode.OK;
        }

        private static Path servedCertificate(VigilConfig c) {
            ConsoleSection s = c.console();
            if (s == null || !s.https()) {
                return null;
            }
            return s.mode() == ConsoleSection.Mode.HTTPS_CONFIGURED ? s.certificate()
                    : ConsoleCertificate.dir(c.node().dataDir()).resolve(CertificateSet.SERVER);
        }
    }

    static Map<String, Object> describe(Path file, X509Certificate c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file.toString());
        m.put("subject", c.getSubjectX500Principal().getName());
        m.put("serial", c.getSerialNumber().toString(16));
        m.put("notAfter", c.getNotAfter().toInstant().toString());
        return m;
    }
}
