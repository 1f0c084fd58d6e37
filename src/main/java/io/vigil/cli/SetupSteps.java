package io.vigil.cli;

import io.vigil.console.ConsoleServer;
import io.vigil.setup.ClusterSettings;
import io.vigil.setup.ConsolePassword;
import io.vigil.setup.FinishStep;
import io.vigil.setup.LocalNode;
import io.vigil.setup.NodeStart;
import io.vigil.setup.PasswordStep;
import io.vigil.setup.Prerequisites;
import io.vigil.setup.PrimaryStep;
import io.vigil.setup.RemoveStep;
import io.vigil.setup.SecondaryStep;
import io.vigil.setup.SecurityCode;
import io.vigil.setup.SetupException;
import io.vigil.setup.SystemNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** `vigil setup secondary | primary | finish | remove` (SPEC §6): every prompt is also an option. */
final class SetupSteps {
    private SetupSteps() {
    }

    static Prerequisites prerequisites() {
        return new Prerequisites(new SystemNetwork(), Path.of("/usr/lib/postgresql/15/bin"), Path.of("/etc/passwd"));
    }

    /** What both nodes' steps ask about the node they run on. */
    static final class NodeArgs {
        @Option(names = "--config", defaultValue = ConfigFiles.DEFAULT, description = "The configuration file to"
                + " write (default: $VIGIL_CONFIG, else /etc/vigil/vigil.yaml); the cluster key and the console"
                + " password hash go beside it.")
        Path config;
        @Option(names = "--data-dir", defaultValue = "/var/lib/vigil", description = "The node's data folder"
                + " (certificates in tls/ and console/). Default: ${DEFAULT-VALUE}.")
        Path dataDir;
        @Option(names = "--local", paramLabel = "HOST", description = "This node's host name or FQDN (default: the"
                + " machine's).")
        String local;
        @Option(names = "--address", paramLabel = "A.B.C.D", description = "The IPv4 address the other node reaches"
                + " this one at (default: the first IPv4 address --local resolves to).")
        String address;
        @Option(names = "--protocol", defaultValue = "https", description = "The console's protocol: https (default)"
                + " or http.")
        String protocol;
        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the console password from the"
                + " first line of FILE instead of asking (for scripts; delete the file afterwards). 6-32 letters,"
                + " digits and ( ) * _ - .")
        Path passwordFile;
        @Option(names = "--admin-port", defaultValue = "6259", description = "This node's admin channel port.")
        int adminPort;
        @Option(names = "--console-port", description = "This node's console port (default 9453 with https, 9010"
                + " with http).")
        Integer consolePort;
        @Option(names = "--database-port", defaultValue = "5432", description = "This node's PostgreSQL port"
                + " (internal database).")
        int databasePort;
        @Option(names = "--vip-interface", paramLabel = "IFACE", description = "The interface that carries the"
                + " virtual IP here (default: the one holding --address).")
        String vipInterface;
        @Option(names = "--loopback", description = "Both nodes on this one machine (trials, tests): skips the name,"
                + " subnet and virtual IP checks a loopback address fails; ports and the database are still checked.")
        boolean loopback;
    }

    /** The node as the step configures it; asks for the password when no file gives it. */
    static LocalNode node(NodeArgs a, Terminal terminal, PrintWriter err) throws SetupException, IOException {
        if (!a.protocol.equals("https") && !a.protocol.equals("http")) {
            throw new SetupException("--protocol must be https or http, not '" + a.protocol + "'");
        }
        boolean https = a.protocol.equals("https");
        if (!https) {
            err.println("warning: the console will be plain HTTP: its password and session cross the network"
                    + " unencrypted. Use --protocol https unless the network is private.");
        }
        String host = a.local != null ? a.local : machineName();
        String address = a.address != null ? ipv4(a.address) : firstIpv4(host);
        String hash = checkedHash(a.passwordFile, terminal);
        int console = a.consolePort != null ? a.consolePort : https ? 9453 : 9010;
        return new LocalNode(a.config.toAbsolutePath(), a.dataDir.toAbsolutePath(), host, address, https, hash,
                a.adminPort, console, a.databasePort, a.vipInterface);
    }

    private static String machineName() throws SetupException {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new SetupException("this machine's own name does not resolve (" + e.getMessage() + "): add it to"
                    + " /etc/hosts, or give --local HOST");
        }
    }

    private static String ipv4(String literal) throws SetupException {
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new SetupException("--address must be an IPv4 address such as 10.0.0.1, not '" + literal + "'");
        }
        return literal;
    }

    private static String firstIpv4(String host) throws SetupException {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        } catch (IOException e) {
            // refused below
        }
        throw new SetupException(host + " has no IPv4 address on this machine: add it to DNS or /etc/hosts, or give"
                + " --address");
    }

    /** The slow hash of a password that passed the rules; the password itself is wiped. */
    static String checkedHash(Path passwordFile, Terminal terminal) throws SetupException, IOException {
        char[] password = password(passwordFile, terminal);
        try {
            ConsolePassword.check(password);
            return ConsoleServer.hashPassword(new String(password));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] password(Path passwordFile, Terminal terminal) throws SetupException, IOException {
        if (passwordFile != null) {
            return firstLine(passwordFile, "--password-file").toCharArray();
        }
        java.io.Console console = System.console();
        if (console == null || !terminal.interactive()) {
            throw new SetupException("no terminal to ask for the console password: give --password-file FILE (its"
                    + " first line is the password)");
        }
        char[] first = console.readPassword("Console password (6-32 letters, digits, ( ) * _ - .; not shown): ");
        char[] again = console.readPassword("The same password again: ");
        if (first == null || again == null || !Arrays.equals(first, again)) {
            throw new SetupException("the two passwords differ: nothing was changed; run the step again and type"
                    + " the same password twice");
        }
        Arrays.fill(again, '\0');
        return first;
    }

    /** The first line of an operator's file, or why it cannot be read. */
    static String firstLine(Path file, String option) throws SetupException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0);
        } catch (IOException e) {
            throw new SetupException("cannot read " + option + " " + file + " (" + e.getClass().getSimpleName()
                    + "): give a readable file whose first line is the password");
        }
    }

    /** Prints a step's failure and returns its exit code. */
    static int fail(PrintWriter err, SetupException e) {
        err.println("setup failed: " + e.getMessage());
        return ExitCode.REFUSED;
    }

    static void license(Path licenseFile, Path config, PrintWriter out) throws SetupException {
        if (licenseFile == null) {
            out.println("no license given: the 3-day demo runs from now; apply the license on both nodes with"
                    + " `vigil license apply FILE`");
            return;
        }
        try {
            io.vigil.license.License l = LicenseCommand.licensing(config).apply(
                    io.vigil.license.LicenseCodec.read(licenseFile));
            out.println("license " + l.id() + " for " + l.licensee() + " applied on this node");
        } catch (io.vigil.license.LicenseException | CliException | IOException e) {
            throw new SetupException("the cluster is set up, but the license was refused (" + e.getMessage() + "), so"
                    + " this node was not started: run this step again with a valid --license or without it, or apply"
                    + " one later on both nodes with `vigil license apply FILE`");
        }
    }

    @Command(name = "secondary", mixinStandardHelpOptions = true,
            description = {"Step 1, on node 2: check this machine, print a one-time security code, and wait (port"
                    + " 9001) until node 1 pairs with `vigil setup primary`. Nothing is written before node 1 pairs;"
                    + " Ctrl-C or the timeout leaves the node as it was. Then run `vigil setup finish` here."})
    static final class Secondary implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        NodeArgs node = new NodeArgs();
        @Option(names = "--pairing-port", defaultValue = "9001", description = "Where to wait for node 1 (default"
                + " ${DEFAULT-VALUE}).")
        int pairingPort;
        @Option(names = "--timeout-minutes", defaultValue = "30", description = "How long the code stays valid"
                + " (default ${DEFAULT-VALUE}).")
        int timeoutMinutes;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                if (timeoutMinutes < 1) {
                    throw new SetupException("--timeout-minutes must be at least 1");
                }
                LocalNode me = node(node, terminal(spec), err);
                new SecondaryStep(prerequisites(), new SystemNetwork()).run(new SecondaryStep.Options(me,
                        node.loopback, pairingPort, Duration.ofMinutes(timeoutMinutes), VersionProvider.version()),
                        out::println);
                return ExitCode.OK;
            } catch (SetupException e) {
                return fail(err, e);
            }
        }
    }

    static Terminal terminal(CommandLine.Model.CommandSpec spec) {
        return ((VigilCommand) spec.root().userObject()).terminal();
    }

    @Command(name = "primary", mixinStandardHelpOptions = true,
            description = {"Step 2, on node 1: check this machine, pair with node 2 through the code it printed,"
                    + " generate the cluster CA, both nodes' certificates, the console certificate and the cluster"
                    + " key, configure both nodes, export serverCert.crt, and start node 1."})
    static final class Primary implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        NodeArgs node = new NodeArgs();
        @Option(names = "--peer", paramLabel = "HOST", description = "Node 2: FQDN, host name or IPv4 address.")
        String peer;
        @Option(names = "--code", paramLabel = "CODE", description = "The security code node 2 printed.")
        String code;
        @Option(names = "--peer-pairing-port", defaultValue = "9001", description = "Node 2's pairing port.")
        int peerPairingPort;
        @Option(names = "--cluster-name", defaultValue = "vigil", description = "1-32 letters, digits, _ or -.")
        String clusterName;
        @Option(names = "--heartbeat-base-port", defaultValue = "8888", description = "Node N receives heartbeats"
                + " on this port + N - 1.")
        int heartbeatBasePort;
        @Option(names = "--vip", defaultValue = "none", paramLabel = "A.B.C.D/N", description = "The virtual IP with"
                + " its prefix, or none (default).")
        String vip;
        @Option(names = "--database", defaultValue = "internal", description = "internal (Vigil runs and replicates"
                + " PostgreSQL, default), external or none.")
        String database;
        @Option(names = "--database-url", description = "External database: its JDBC URL.")
        String databaseUrl;
        @Option(names = "--database-user", description = "External database: its user.")
        String databaseUser;
        @Option(names = "--database-password-file", paramLabel = "FILE", description = "External database: a file"
                + " holding its password (copied to both nodes, owner-only).")
        Path databasePasswordFile;
        @Option(names = "--license", paramLabel = "FILE", description = "A license file to apply (optional).")
        Path license;
        @Option(names = "--export-cert", paramLabel = "DIR", defaultValue = "${sys:user.home}", description = "Where"
                + " to export serverCert.crt for browsers (default: your home).")
        Path exportDir;
        @Option(names = "--no-start", description = "Do not start node 1: print how to start it instead.")
        boolean noStart;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                PrimaryStep.Options o = options(node(node, terminal(spec), err));
                ClusterSettings s = new PrimaryStep(prerequisites(), new SystemNetwork(), Clock.systemUTC()).run(o,
                        out::println);
                if (o.node().https()) { // a plain-HTTP console presents no certificate to import
                    Path exported = export(o.node().dataDir().resolve("console").resolve("serverCert.crt"));
                    out.println("console certificate exported to " + exported + ": import it in the browsers that"
                            + " open the console (https://" + s.node1().hostName() + ":" + s.node1().consolePort() + "/)");
                }
                license(license, o.node().configFile(), out);
                out.println(NodeStart.start(o.node().configFile(), 1, noStart).message());
                out.println("now run `vigil setup finish` on node 2");
                return ExitCode.OK;
            } catch (SetupException e) {
                return fail(err, e);
            }
        }

        private Path export(Path cert) throws SetupException {
            Path exported = exportDir.resolve("serverCert.crt");
            try {
                Files.createDirectories(exportDir);
                Files.copy(cert, exported, StandardCopyOption.REPLACE_EXISTING);
                return exported;
            } catch (IOException e) {
                throw new SetupException("the cluster is set up, but " + cert + " could not be exported to " + exportDir
                        + " (" + e.getClass().getSimpleName() + "): copy it by hand, then start node 1 with `vigil"
                        + " node --config " + node.config + "`");
            }
        }

        private PrimaryStep.Options options(LocalNode me) throws SetupException, IOException {
            String v = vip.equals("none") ? null : vip;
            if (!List.of("internal", "external", "none").contains(database)) {
                throw new SetupException("--database must be internal, external or none, not '" + database + "'");
            }
            String dbPassword = null;
            if (database.equals("external")) {
                if (databaseUrl == null || databaseUser == null || databasePasswordFile == null) {
                    throw new SetupException("--database external needs --database-url, --database-user and"
                            + " --database-password-file");
                }
                dbPassword = firstLine(databasePasswordFile, "--database-password-file");
            }
            Terminal t = terminal(spec);
            String p = peer != null ? peer : ask(t, "Node 2's address (FQDN, host name or IPv4): ", "--peer HOST");
            String c = code != null ? code : ask(t, "Security code printed on node 2: ", "--code CODE");
            return new PrimaryStep.Options(me, node.loopback, p, peerPairingPort, SecurityCode.parse(c), clusterName,
                    heartbeatBasePort, v, database, databaseUrl, databaseUser, dbPassword, VersionProvider.version());
        }

        private static String ask(Terminal t, String prompt, String flag) throws SetupException, IOException {
            java.io.Console console = System.console();
            if (!t.interactive() || console == null) {
                throw new SetupException("no terminal to ask for it: give " + flag);
            }
            String line = console.readLine(prompt);
            return line == null ? "" : line.strip();
        }
    }

    @Command(name = "finish", mixinStandardHelpOptions = true,
            description = {"Step 3, on node 2: check what pairing installed, apply the license (optional) and start"
                    + " node 2, which joins node 1 as SECOND."})
    static final class Finish implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--config", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
        Path config;
        @Option(names = "--license", paramLabel = "FILE", description = "A license file to apply (optional; the same"
                + " file as on node 1).")
        Path license;
        @Option(names = "--no-start", description = "Do not start node 2: print how to start it instead.")
        boolean noStart;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try {
                FinishStep.check(config);
                out.println("node 2 is paired: configuration " + config + " and cluster certificates load");
                license(license, config, out);
                out.println(NodeStart.start(config.toAbsolutePath(), 2, noStart).message());
                return ExitCode.OK;
            } catch (SetupException e) {
                return fail(spec.commandLine().getErr(), e);
            }
        }
    }

    @Command(name = "password", mixinStandardHelpOptions = true,
            description = {"Change this node's console password (asked twice, not shown; or --password-file). Only"
                    + " its slow hash is stored. Applies when the node restarts; do it on both nodes."})
    static final class Password implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--config", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
        Path config;
        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the new password from the first"
                + " line of FILE instead of asking.")
        Path passwordFile;

        @Override
        public Integer call() throws IOException {
            try {
                Path written = PasswordStep.change(config, checkedHash(passwordFile, terminal(spec)));
                spec.commandLine().getOut().println("console password changed (hash in " + written + "); it applies"
                        + " when the node restarts; change it on the other node too");
                return ExitCode.OK;
            } catch (SetupException e) {
                return fail(spec.commandLine().getErr(), e);
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"On either node, once its daemon is stopped: remove the cluster configuration and the"
                    + " cluster key, returning the node to standalone. Keeps the license, the database, the"
                    + " certificates and the console password."})
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--config", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                List<Path> removed = RemoveStep.run(config);
                out.println(removed.isEmpty() ? "nothing to remove: " + config + " does not exist, this node is"
                        + " standalone already" : "removed " + removed + ": this node is standalone; the license,"
                        + " database and certificates are kept");
                return ExitCode.OK;
            } catch (SetupException e) {
                return fail(spec.commandLine().getErr(), e);
            }
        }
    }
}
