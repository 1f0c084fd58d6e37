package io.vigil.cli;

import io.vigil.config.VigilConfig;
import io.vigil.license.License;
import io.vigil.license.LicenseException;
import io.vigil.license.LicenseStatus;
import io.vigil.license.Licensing;
import io.vigil.license.VendorKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** `vigil license show|apply`: this node's license (SPEC §8), read and installed locally. */
@Command(name = "license", mixinStandardHelpOptions = true,
        description = "Show this node's license state, or apply a license file (apply the same file on both nodes).",
        subcommands = {LicenseCommand.Show.class, LicenseCommand.Apply.class})
final class LicenseCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: show or apply");
    }

    static Licensing licensing(Path configFile) throws CliException {
        VigilConfig c = ConfigFiles.load(configFile);
        return new Licensing(c.node().dataDir(), VendorKey.get(), Clock.systemUTC(), c.node().hostName(),
                c.peer().hostName());
    }

    static Map<String, Object> json(LicenseStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.kind().name().toLowerCase());
        m.put("message", s.message());
        m.put("demoEnds", s.demoEnds().toString());
        License l = s.license();
        if (l != null) {
            m.put("id", l.id());
            m.put("licensee", l.licensee());
            m.put("hosts", l.hosts());
            m.put("issued", l.issued().toString());
            m.put("expires", l.expires() == null ? null : l.expires().toString());
        }
        return m;
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the license state: licensed, demo (until when) or unlicensed, and why.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--config", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
        Path config;
        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                LicenseStatus s = licensing(config).status();
                out.println(json ? NodeClientCommand.JSON.writeValueAsString(json(s)) : s.message());
                return s.kind() == LicenseStatus.Kind.UNLICENSED ? ExitCode.REFUSED : ExitCode.OK;
            } catch (CliException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return e.exitCode();
            } catch (IOException e) {
                spec.commandLine().getErr().println("cannot read the license state: " + e.getMessage());
                return ExitCode.USAGE;
            }
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Check FILE (vendor signature, both nodes' host names, dates) and install it on this node."
                    + " Nothing changes when it is refused. Apply the same file on the other node too.")
    static final class Apply implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--config", defaultValue = ConfigFiles.DEFAULT, description = ConfigFiles.HELP)
        Path config;
        @Parameters(paramLabel = "FILE", description = "The license file from the vendor.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                byte[] bytes;
                try {
                    bytes = io.vigil.license.LicenseCodec.read(file);
                } catch (NoSuchFileException e) {
                    err.println("no such file: " + file);
                    return ExitCode.USAGE;
                }
                License l = licensing(config).apply(bytes);
                spec.commandLine().getOut().println("license " + l.id() + " for " + l.licensee() + " applied on this"
                        + " node" + (l.expires() == null ? "" : ", valid until " + l.expires())
                        + "; apply the same file on the other node too");
                return ExitCode.OK;
            } catch (LicenseException e) {
                err.println("license refused, nothing changed: " + e.getMessage());
                return ExitCode.REFUSED;
            } catch (CliException e) {
                err.println(e.getMessage());
                return e.exitCode();
            } catch (IOException e) {
                err.println("cannot install the license: " + e.getMessage());
                return ExitCode.USAGE;
            }
        }
    }
}
