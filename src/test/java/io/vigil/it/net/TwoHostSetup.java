package io.vigil.it.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.replication.PgScratch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The three setup steps (SPEC §6) as an administrator types them, on two {@link NetLab} hosts
 * {@code node1} and {@code node2} (plus {@code gateway}, a third host for clients): the real CLI
 * ({@code io.vigil.cli.Main}) in each host's namespace, every prompt given as a flag. Names
 * resolve through {@code /etc/netns/<ns>/hosts}, which {@code ip netns exec} mounts over
 * {@code /etc/hosts}: forward and reverse, as the prerequisite checks demand. Configurations,
 * data (the internal PostgreSQL's included) and the exported console certificate live in a
 * {@link PgScratch} folder the {@code postgres} user can pass through; everything is removed by
 * {@link #close()}, the hosts files and the namespaces' processes included.
 */
final class TwoHostSetup implements AutoCloseable {
    /** The console password every step is given (6-32 letters, digits, ( ) * _ - .). */
    static final String PASSWORD = "vigil(2)_setup";
    private static final Pattern CODE = Pattern.compile("Security code: (\\S+)");
    private static final Pattern PID = Pattern.compile("started \\(process (\\d+),");
    private static final ObjectMapper JSON = new ObjectMapper();

    final NetLab lab;
    final Path home;
    final Path logDir;
    private final List<Path> hostsDirs = new ArrayList<>();

    private TwoHostSetup(NetLab lab, Path home, Path logDir) {
        this.lab = lab;
        this.home = home;
        this.logDir = logDir;
    }

    /** A lab with hosts gateway, node1, node2 whose names resolve both ways in every host; nothing set up yet. */
    static TwoHostSetup create(String prefix, String name) throws IOException {
        NetLab lab = NetLab.create(prefix, "gateway", "node1", "node2");
        TwoHostSetup s = null;
        try {
            Path logs = NetLab.logDir(name).toAbsolutePath();
            io.vigil.demo.LocalCluster.deleteTree(logs);
            Files.createDirectories(logs);
            s = new TwoHostSetup(lab, PgScratch.create("setup"), logs);
            s.writeHostsFiles();
            io.vigil.security.PrivateFiles.writeString(s.passwordFile(), PASSWORD + "\n");
            return s;
        } catch (IOException | RuntimeException | Error e) {
            if (s != null) {
                s.close();
            } else {
                lab.close();
            }
            throw e;
        }
    }

    /** Each host's /etc/hosts (as its namespace sees it): every lab host, forward and reverse. */
    private void writeHostsFiles() throws IOException {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
        for (String h : lab.hosts()) {
            hosts.append(lab.ip(h)).append(' ').append(h).append('\n');
        }
        for (String h : lab.hosts()) {
            Path dir = Path.of("/etc/netns", lab.namespace(h));
            Files.createDirectories(dir);
            hostsDirs.add(dir);
            Files.writeString(dir.resolve("hosts"), hosts.toString());
        }
    }

    String vip() {
        return lab.address(100);
    }

    Path config(int id) {
        return home.resolve("node" + id).resolve("etc").resolve("vigil.yaml");
    }

    Path dataDir(int id) {
        return home.resolve("node" + id).resolve("data");
    }

    Path passwordFile() {
        return home.resolve("password");
    }

    /** Where `setup primary` exports serverCert.crt (its --export-cert). */
    Path exportDir() {
        return home.resolve("export");
    }

    /** Step 1 on node2: started in the background (it waits for node 1); its output goes to setup-secondary.log. */
    Process secondary() {
        return lab.exec("node2", cli("setup", "secondary", "--local", "node2", "--config", config(2).toString(),
                "--data-dir", dataDir(2).toString(), "--password-file", passwordFile().toString(),
                "--timeout-minutes", "2"), logDir.resolve("setup-secondary.log"));
    }

    /** The security code step 1 printed, once it listens. */
    String awaitCode() {
        Path log = logDir.resolve("setup-secondary.log");
        await("node2 prints its security code").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(log) && CODE.matcher(Files.readString(log)).find());
        try {
            Matcher m = CODE.matcher(Files.readString(log));
            m.find();
            return m.group(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Step 2 on node1: pairs with node2 by its host name, with the VIP and the internal database. */
    Cmd.Result primary(String code) {
        return run("node1", "setup", "primary", "--local", "node1", "--config", config(1).toString(), "--data-dir",
                dataDir(1).toString(), "--password-file", passwordFile().toString(), "--peer", "node2", "--code", code,
                "--vip", vip() + "/" + lab.prefixLength(), "--database", "internal", "--cluster-name", "lab",
                "--export-cert", exportDir().toString());
    }

    /** Step 3 on node2. */
    Cmd.Result finish() {
        return run("node2", "setup", "finish", "--config", config(2).toString());
    }

    /** The daemon a step started, from the pid it printed. */
    static long daemonPid(Cmd.Result step) {
        Matcher m = PID.matcher(step.output());
        if (!m.find()) {
            throw new AssertionError("the step started no node: " + step.output());
        }
        return Long.parseLong(m.group(1));
    }

    /** `vigil ARGS...` in the host's namespace, to completion. */
    Cmd.Result run(String host, String... args) {
        return lab.result(host, cli(args).toArray(String[]::new));
    }

    /** The "node" object of `vigil status --json` on node {@code id} (its Unix socket), or null. */
    JsonNode status(int id) {
        Cmd.Result r = run("node" + id, "status", "--json", "--config", config(id).toString());
        if (r.exitCode() != 0 || r.output().indexOf('{') < 0) {
            return null;
        }
        try {
            return JSON.readTree(r.output().substring(r.output().indexOf('{'))).path("node");
        } catch (IOException e) {
            return null;
        }
    }

    /** Node {@code prim} PRIM with its services running, the other SECOND with its data up to date at its epoch. */
    boolean pair(int prim) {
        JsonNode p = status(prim);
        JsonNode s = p == null ? null : status(3 - prim);
        return p != null && s != null && "PRIM".equals(p.path("state").asText())
                && "RUNNING".equals(p.path("services").asText()) && "SECOND".equals(s.path("state").asText())
                && "UPTODATE".equals(s.path("sync").asText()) && s.path("dataEpoch").asLong() == p.path("epoch").asLong();
    }

    boolean holdsVip(int id) {
        return lab.result("node" + id, "ip", "-4", "-o", "addr", "show", "dev", "eth0").output()
                .contains(" " + vip() + "/");
    }

    /** The console through {@code base} from the gateway host, trusting only the exported certificate. */
    Cmd.Result console(String base, String... command) {
        List<String> args = new ArrayList<>(java());
        args.addAll(List.of(ConsoleProbe.class.getName(), exportDir().resolve("serverCert.crt").toString(), base,
                passwordFile().toString()));
        args.addAll(List.of(command));
        return lab.result("gateway", args.toArray(String[]::new));
    }

    /** The nodes' logs, copied beside the test's own before the scratch folder goes: what a failure is read from. */
    private void keepLogs() {
        for (int id = 1; id <= 2; id++) {
            Path from = dataDir(id).resolve("log");
            if (!Files.isDirectory(from)) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.list(from)) {
                Path to = Files.createDirectories(logDir.resolve("node" + id));
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                System.err.println("cannot keep node" + id + "'s logs: " + e.getMessage());
            }
        }
    }

    private static List<String> cli(String... args) {
        List<String> c = new ArrayList<>(java());
        c.add("io.vigil.cli.Main");
        c.addAll(List.of(args));
        return c;
    }

    /** This JVM's java and class path, tuned for short runs (the CLI, the probe). */
    private static List<String> java() {
        return new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
    }

    /** The namespaces' processes (daemons, PostgreSQL) go with the lab; then the files. */
    @Override
    public void close() {
        try {
            lab.close();
        } finally {
            keepLogs();
            for (Path d : hostsDirs) {
                try {
                    Files.deleteIfExists(d.resolve("hosts"));
                    Files.deleteIfExists(d);
                } catch (IOException e) {
                    System.err.println("cannot remove " + d + ": " + e.getMessage());
                }
            }
            PgScratch.delete(home);
        }
    }
}
