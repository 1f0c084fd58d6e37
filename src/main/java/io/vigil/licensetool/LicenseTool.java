package io.vigil.licensetool;

import io.vigil.license.License;
import io.vigil.license.LicenseCodec;
import io.vigil.license.LicenseException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code vigil-license}: the vendor's issuing tool (SPEC §8). It holds the private key; it is
 * built into its own jar ({@code target/vigil-license.jar}), never into the node's.
 */
@Command(name = "vigil-license", mixinStandardHelpOptions = true,
        description = "Issue Vigil licenses (vendor side). Nodes hold only the public key.",
        subcommands = {LicenseTool.Keygen.class, LicenseTool.Issue.class, LicenseTool.Verify.class})
public final class LicenseTool implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LicenseTool()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: keygen, issue or verify");
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Create an Ed25519 key pair: DIR/vendor.key (private, 0600) and DIR/vendor.pub (what a"
                    + " build of the product embeds as src/main/resources/io/vigil/license/vendor.pub).")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Path key = dir.resolve("vendor.key");
            if (Files.exists(key)) {
                System.err.println(key + " exists; refusing to replace a vendor key (licenses signed with it would"
                        + " no longer be reproducible)");
                return 2;
            }
            Files.createDirectories(dir);
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Files.writeString(key, LicenseCodec.pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(dir.resolve("vendor.pub"), LicenseCodec.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            System.out.println("wrote " + key + " (keep it secret) and " + dir.resolve("vendor.pub"));
            return 0;
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Sign a license for the two nodes' host names.")
    static final class Issue implements Callable<Integer> {
        @Option(names = "--key", required = true, description = "The vendor's private key (vendor.key).")
        Path key;
        @Option(names = "--licensee", required = true)
        String licensee;
        @Option(names = "--host", required = true, description = "A node's host name; give both.")
        List<String> hosts;
        @Option(names = "--expires", description = "Last valid day (YYYY-MM-DD); default: no end.")
        LocalDate expires;
        @Option(names = "--id", description = "Reference for support (default: random).")
        String id;
        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws Exception {
            License l;
            try {
                l = new License(id != null ? id : UUID.randomUUID().toString(), licensee, hosts,
                        LocalDate.now(ZoneOffset.UTC), expires);
            } catch (IllegalArgumentException e) {
                System.err.println("cannot issue: " + e.getMessage());
                return 2;
            }
            byte[] file = LicenseCodec.encode(l, LicenseCodec.privateKey(Files.readString(key)));
            Files.write(out, file);
            System.out.println("issued " + l.id() + " for " + l.licensee() + " on " + l.hosts() + " to " + out);
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check a license against a public key.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--public-key", required = true)
        Path publicKey;
        @CommandLine.Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            try {
                License l = LicenseCodec.decode(LicenseCodec.read(file), LicenseCodec.publicKey(
                        Files.readString(publicKey, StandardCharsets.US_ASCII)));
                System.out.println("valid signature: " + l);
                return 0;
            } catch (LicenseException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }
}
