package io.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** `vigil setup secondary|primary|finish|remove` as an operator's script runs them: flags only, one machine. */
class SetupStepsCommandTest extends CliFixture {
    private static final Pattern CODE = Pattern.compile("Security code: (\\S+)");

    /** A `vigil` run in the background whose output can be read while it runs. */
    record Background(StringWriter out, StringWriter err, CompletableFuture<Integer> exit) { }

    private static Background background(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new VigilCommand(new Terminal(false, false,
                new BufferedReader(new StringReader("")))));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Background(out, err, CompletableFuture.supplyAsync(() -> cli.execute(args)));
    }

    private Path password(String p) throws IOException {
        Path f = dir.resolve("pw-" + p.length());
        Files.writeString(f, p + "\n");
        return f;
    }

    private List<String> nodeArgs(int id, int admin, int console) throws IOException {
        return new ArrayList<>(List.of("--config", dir.resolve("etc" + id + "/vigil.yaml").toString(), "--data-dir",
                dir.resolve("data" + id).toString(), "--local", "node" + id, "--address", "127.0.0.1", "--loopback",
                "--password-file", password("good.pass").toString(), "--admin-port", Integer.toString(admin),
                "--console-port", Integer.toString(console)));
    }

    @Test
    void threeStepsByFlagsThenConfigCheckPassesOnBothNodes() throws Exception {
        int pairing = closedPort();
        List<String> two = nodeArgs(2, closedPort(), closedPort());
        two.addAll(List.of("--pairing-port", Integer.toString(pairing)));
        two.add(0, "secondary");
        two.add(0, "setup");
        Background node2 = background(two.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(20)).until(() -> CODE.matcher(node2.out().toString()).find());
        Matcher m = CODE.matcher(node2.out().toString());
        assertThat(m.find()).isTrue();
        List<String> one = nodeArgs(1, closedPort(), closedPort());
        one.addAll(0, List.of("setup", "primary"));
        one.addAll(List.of("--peer", "127.0.0.1", "--peer-pairing-port", Integer.toString(pairing), "--code",
                m.group(1), "--database", "none", "--heartbeat-base-port", Integer.toString(freeUdpPair()),
                "--export-cert", dir.resolve("export").toString(), "--no-start", "--cluster-name", "site-a"));
        Run primary = vigil(one.toArray(String[]::new));
        assertThat(primary.err()).isEmpty();
        assertThat(primary.exitCode()).isZero();
        assertThat(primary.out()).contains("paired with node 2 (node2); node 1 is configured in "
                + dir.resolve("etc1/vigil.yaml")).contains("console certificate exported to "
                + dir.resolve("export/serverCert.crt")).contains("node 1 is not started (--no-start): start it with"
                + " `vigil node --config " + dir.resolve("etc1/vigil.yaml") + "` as root, or with the package's unit,"
                + " which runs it as user vigil: `chown vigil:vigil " + dir.resolve("etc1/vigil.yaml")
                + " && chown -R vigil:vigil ").contains(" && systemctl enable --now vigil-node`");
        assertThat(node2.exit().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(node2.out().toString()).contains("paired with node 1 (node1); run `vigil setup finish` on this node");
        Path garbage = dir.resolve("license.json");
        Files.writeString(garbage, "not a license");
        Run refused = vigil("setup", "finish", "--config", dir.resolve("etc2/vigil.yaml").toString(), "--no-start",
                "--license", garbage.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().strip()).startsWith("setup failed: the cluster is set up, but the license was refused"
                + " (").endsWith("), so this node was not started: run this step again with a valid --license or"
                + " without it, or apply one later on both nodes with `vigil license apply FILE`");
        assertThat(refused.out()).doesNotContain("not started (--no-start)");
        Run finish = vigil("setup", "finish", "--config", dir.resolve("etc2/vigil.yaml").toString(), "--no-start");
        assertThat(finish.exitCode()).isZero();
        assertThat(finish.out()).contains("node 2 is paired: configuration").contains("no license given: the 3-day"
                + " demo runs from now");
        for (int id = 1; id <= 2; id++) {
            Run check = vigil("config", "check", dir.resolve("etc" + id + "/vigil.yaml").toString());
            assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
        }
        assertThat(Files.readString(dir.resolve("etc2/vigil.yaml"))).doesNotContain("good.pass")
                .contains("keyFile: " + dir.resolve("etc2/cluster.key"));
        Path hashFile = dir.resolve("etc1/console-password");
        String before = Files.readString(hashFile);
        Run tooShort = vigil("setup", "password", "--config", dir.resolve("etc1/vigil.yaml").toString(),
                "--password-file", password("abc").toString());
        assertThat(tooShort.err().strip()).isEqualTo("setup failed: the console password has 3 characters: it must"
                + " have 6 to 32");
        assertThat(Files.readString(hashFile)).isEqualTo(before);
        Run changed = vigil("setup", "password", "--config", dir.resolve("etc1/vigil.yaml").toString(),
                "--password-file", password("new.pass_1").toString());
        assertThat(changed.out()).startsWith("console password changed (hash in " + hashFile + ")");
        assertThat(Files.readString(hashFile)).startsWith("pbkdf2$").isNotEqualTo(before).doesNotContain("new.pass_1");
        Run show = vigil("config", "show", "--config", dir.resolve("etc1/vigil.yaml").toString());
        assertThat(show.out()).contains("keyFile: ").doesNotContain(Files.readString(dir.resolve("etc1/cluster.key"))
                .strip());
        Run remove = vigil("setup", "remove", "--config", dir.resolve("etc2/vigil.yaml").toString());
        assertThat(remove.out()).startsWith("removed [").contains("this node is standalone");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abcde|setup failed: the console password has 5 characters: it must have 6 to 32",
        "abcdefghijklmnopqrstuvwxyz0123456|setup failed: the console password has 33 characters: it must have 6 to 32",
        "abc+defg|setup failed: the console password's character 4 is not allowed: use only letters A-Z a-z, digits"
                + " and ( ) * _ - ."
    })
    void aPasswordBreakingTheRulesIsRefusedAndNothingIsWritten(String bad, String message) throws IOException {
        List<String> args = nodeArgs(2, closedPort(), closedPort());
        args.set(args.indexOf("--password-file") + 1, password(bad).toString());
        args.addAll(0, List.of("setup", "secondary"));
        Run run = vigil(args.toArray(String[]::new));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo(message);
        assertThat(run.out()).doesNotContain("Security code");
        assertThat(dir.resolve("etc2")).doesNotExist();
    }

    @Test
    void badInputsAreNamed() throws IOException {
        List<String> args = nodeArgs(1, closedPort(), closedPort());
        args.set(args.indexOf("--address") + 1, "10.0.0");
        args.addAll(0, List.of("setup", "primary", "--peer", "127.0.0.1", "--code", "ABCD-EFGH-JKMN-PQRS"));
        assertThat(vigil(args.toArray(String[]::new)).err().strip()).isEqualTo("setup failed: --address must be an"
                + " IPv4 address such as 10.0.0.1, not '10.0.0'");
        assertThat(vigil("setup", "primary", "--loopback", "--local", "node1", "--address", "127.0.0.1",
                "--config", dir.resolve("x.yaml").toString()).err().strip()).isEqualTo("setup failed: no terminal to"
                + " ask for the console password: give --password-file FILE (its first line is the password)");
        List<String> code = nodeArgs(1, closedPort(), closedPort());
        code.addAll(0, List.of("setup", "primary", "--peer", "127.0.0.1", "--code", "ABCD-EFGH"));
        assertThat(vigil(code.toArray(String[]::new)).err().strip()).isEqualTo("setup failed: the security code has"
                + " 8 characters, not 16: type all four groups that node 2 printed");
        List<String> missing = nodeArgs(2, closedPort(), closedPort());
        missing.set(missing.indexOf("--password-file") + 1, dir.resolve("nope").toString());
        missing.addAll(0, List.of("setup", "secondary"));
        assertThat(vigil(missing.toArray(String[]::new)).err().strip()).isEqualTo("setup failed: cannot read"
                + " --password-file " + dir.resolve("nope") + " (NoSuchFileException): give a readable file whose first"
                + " line is the password");
        List<String> proto = nodeArgs(2, closedPort(), closedPort());
        proto.addAll(0, List.of("setup", "secondary", "--protocol", "ftp"));
        assertThat(vigil(proto.toArray(String[]::new)).err().strip()).isEqualTo("setup failed: --protocol must be"
                + " https or http, not 'ftp'");
    }

    private static int freeUdpPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket a = new DatagramSocket(0)) {
                int p = a.getLocalPort();
                try (DatagramSocket b = new DatagramSocket(p + 1)) {
                    return p;
                } catch (IOException e) {
                    // try another
                }
            }
        }
        throw new IOException("no two adjacent free UDP ports");
    }
}
