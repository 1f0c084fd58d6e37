package io.vigil.cli;

import io.vigil.pki.CertificateSet;
import io.vigil.pki.PkiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** `vigil cert create|check|renew|export`: the console's and the node's certificates (SPEC §6, §7). */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Generate the console's certificates (a cluster CA and a server certificate), check a set,"
                + " renew this node's certificates without a restart, or export the console's certificate again.",
        subcommands = {CertCommand.Create.class, CertCommand.Check.class, CertMaintenance.Renew.class,
                CertMaintenance.Export.class})
final class CertCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: create, check, renew or export");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Write DIR/cacert.crt, ca.key (0600), server.crt, server.key (0600) and serverCert.crt (to"
                    + " import into browsers): a server certificate valid 5 years for every --host and --ip. Then set"
                    + " console.certificate: DIR/server.crt and console.privateKey: DIR/server.key.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path dir;
        @Option(names = "--cluster", required = true, description = "The cluster name (in the CA's name).")
        String cluster;
        @Option(names = "--host", required = true, description = "Each node's host name and FQDN (repeat).")
        List<String> hosts;
        @Option(names = "--ip", description = "The virtual IP, and any address the console is reached at (repeat).")
        List<String> ips = List.of();

        @Override
        public Integer call() throws Exception {
            if (Files.exists(dir.resolve(CertificateSet.CA_KEY))) {
                System.err.println(dir.resolve(CertificateSet.CA_KEY) + " exists: refusing to replace a cluster CA;"
                        + " choose another folder");
                return ExitCode.USAGE;
            }
            CertificateSet.create(dir, cluster, hosts, ips, Clock.systemUTC());
            System.out.println("wrote " + dir.resolve(CertificateSet.SERVER) + " for " + hosts + (ips.isEmpty() ? ""
                    : " and " + ips) + ", valid 5 years; import " + dir.resolve(CertificateSet.EXPORT)
                    + " (or the CA, " + dir.resolve(CertificateSet.CA) + ") into the browsers");
            return ExitCode.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check DIR's cacert.crt, server.crt and server.key (a generated set, or your own PKI):"
                    + " signed by the CA, matching key, valid now, naming every --name. Exit 1 when it is not usable"
                    + " or ends within 30 days.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "DIR")
        Path dir;
        @Option(names = "--name", description = "A host name or address the console must be valid for (repeat).")
        List<String> names = List.of();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                CertificateSet.Report r = CertificateSet.check(dir, names, Clock.systemUTC());
                out.println((r.expiresSoon() ? "RENEW SOON: " : "ok: ") + "server.crt for " + r.names() + ", valid until "
                        + r.notAfter() + " (" + r.daysLeft() + " days)");
                return r.expiresSoon() ? ExitCode.REFUSED : ExitCode.OK;
            } catch (PkiException e) {
                spec.commandLine().getErr().println("not usable: " + e.getMessage());
                return ExitCode.REFUSED;
            }
        }
    }
}
