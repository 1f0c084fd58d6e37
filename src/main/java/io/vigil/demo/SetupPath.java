package io.vigil.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigil.config.ConfigException;
import io.vigil.config.VigilConfig;
import io.vigil.security.PrivateFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Makes the demo's two nodes the way an administrator makes two real ones (issue 12, SPEC §6):
 * {@code vigil setup secondary} for node 2, {@code vigil setup primary} for node 1 with the
 * security code node 2 printed, {@code vigil setup finish} for node 2. Each step is the real CLI
 * in its own process, every prompt given as a flag. Both nodes are on this machine, so every step
 * runs with {@code --loopback}, the documented switch that skips the name resolution, subnet and
 * virtual IP checks a loopback address fails by design (the ports, the database, the version and
 * the clocks are still checked), and each node gets its own ports and folders.
 *
 * <p>The steps do not start the nodes ({@code --no-start}): the demo starts them itself, each in
 * a process group it can kill.
 */
final class SetupPath {
    /** How long a step may take: a loaded machine, a cold JVM, two slow password hashes. */
    private static final long STEP_LIMIT_S = 300;
    private static final String CODE = "Security code: ";

    /**
     * What the steps are told about each node, index 1 and 2 (0 unused).
     *
     * @param database internal (PostgreSQL managed by the nodes) or none
     */
    record Plan(Path[] configs, Path[] dataDirs, int[] adminPorts, int[] consolePorts, int[] databasePorts,
                int heartbeatBasePort, int pairingPort, String database, Path passwordFile, Path exportDir) {
    }

    private SetupPath() {
    }

    /** Runs the three steps; their output goes to {@code out}, line by line, each tagged with its step. */
    static void run(Plan p, Consumer<String> out) throws IOException, InterruptedException {
        Process secondary = start(step(p, 2, "secondary", "--pairing-port", Integer.toString(p.pairingPort()),
                "--timeout-minutes", "5"));
        try {
            CompletableFuture<String> code = new CompletableFuture<>();
            Thread reader = echo(secondary, "setup secondary (node2)", out, code);
            String c = awaitCode(code, secondary);
            List<String> primary = step(p, 1, "primary", "--peer", "127.0.0.1", "--code", c,
                    "--peer-pairing-port", Integer.toString(p.pairingPort()), "--cluster-name", "demo",
                    "--heartbeat-base-port", Integer.toString(p.heartbeatBasePort()), "--database", p.database(),
                    "--vip", "none", "--export-cert", p.exportDir().toString(), "--no-start");
            runToEnd(primary, "setup primary (node1)", out);
            if (!secondary.waitFor(60, TimeUnit.SECONDS) || secondary.exitValue() != 0) {
                throw new IOException("`vigil setup secondary` for node2 did not end well after node1 paired"
                        + " (exit " + (secondary.isAlive() ? "none yet" : secondary.exitValue()) + "): see its output above");
            }
            reader.join(5000);
            runToEnd(command("setup", "finish", "--config", p.configs()[2].toString(), "--no-start"),
                    "setup finish (node2)", out);
        } finally {
            secondary.destroy();
        }
    }

    /**
     * Adds {@code yaml}'s keys to the configuration file setup wrote (objects merged key by key,
     * anything else replaced), as an administrator edits it after setup, and checks that the
     * result loads as a node loads it.
     */
    static void amend(Path config, String header, String yaml) throws IOException {
        YAMLMapper mapper = new YAMLMapper();
        ObjectNode tree = (ObjectNode) mapper.readTree(config.toFile());
        merge(tree, (ObjectNode) mapper.readTree(yaml));
        PrivateFiles.writeString(config, header + "\n" + mapper.writeValueAsString(tree));
        try {
            VigilConfig.load(config);
        } catch (ConfigException e) {
            throw new IOException(config + ", as setup wrote it plus the demo's settings, does not load: "
                    + e.getMessage(), e);
        }
    }

    private static void merge(ObjectNode into, ObjectNode add) {
        add.fields().forEachRemaining(f -> {
            if (f.getValue() instanceof ObjectNode more && into.get(f.getKey()) instanceof ObjectNode o) {
                merge(o, more);
            } else {
                into.set(f.getKey(), f.getValue());
            }
        });
    }

    /** The flags both nodes' steps take: where the node's files go, its ports and the password file. */
    private static List<String> step(Plan p, int id, String step, String... more) {
        List<String> cmd = command("setup", step, "--config", p.configs()[id].toString(),
                "--data-dir", p.dataDirs()[id].toString(), "--local", "node" + id, "--address", "127.0.0.1",
                // The demo's console stays plain HTTP on loopback (as before), so a browser opens it without
                // importing a certificate; setup prints its warning.
                "--protocol", "http", "--password-file", p.passwordFile().toString(),
                "--admin-port", Integer.toString(p.adminPorts()[id]),
                "--console-port", Integer.toString(p.consolePorts()[id]),
                "--database-port", Integer.toString(p.databasePorts()[id]), "--loopback");
        cmd.addAll(List.of(more));
        return cmd;
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(LocalCluster.nodeJavaCommand()); // the full JIT: the password hash
        cmd.add("io.vigil.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Process start(List<String> cmd) throws IOException {
        // no terminal: a step that would need to ask says which flag is missing instead
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    private static void runToEnd(List<String> cmd, String tag, Consumer<String> out)
            throws IOException, InterruptedException {
        Process p = start(cmd);
        Thread reader = echo(p, tag, out, null);
        try {
            if (!p.waitFor(STEP_LIMIT_S, TimeUnit.SECONDS)) {
                throw new IOException("`vigil " + tag + "` did not end within " + STEP_LIMIT_S + " s");
            }
        } finally {
            p.destroy();
        }
        reader.join(5000);
        if (p.exitValue() != 0) {
            throw new IOException("`vigil " + tag + "` failed (exit " + p.exitValue() + "): see its output above");
        }
    }

    /** Copies a step's output to {@code out}; hands the security code to {@code code} when it shows. */
    private static Thread echo(Process p, String tag, Consumer<String> out, CompletableFuture<String> code) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.accept("  " + tag + ": " + line);
                    if (code != null && line.startsWith(CODE)) {
                        code.complete(line.substring(CODE.length()).strip());
                    }
                }
            } catch (IOException e) {
                out.accept("  " + tag + ": (its output could not be read: " + e.getMessage() + ")");
            } finally {
                if (code != null) {
                    code.complete(null);
                }
            }
        }, "vigil-demo-setup-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String awaitCode(CompletableFuture<String> code, Process secondary)
            throws IOException, InterruptedException {
        try {
            String c = code.get(STEP_LIMIT_S, TimeUnit.SECONDS);
            if (c == null) {
                secondary.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("`vigil setup secondary` for node2 printed no security code (exit "
                        + (secondary.isAlive() ? "none yet" : secondary.exitValue()) + "): see its output above");
            }
            return c;
        } catch (TimeoutException e) {
            throw new IOException("`vigil setup secondary` for node2 printed no security code within "
                    + STEP_LIMIT_S + " s");
        } catch (ExecutionException e) {
            throw new IOException("reading node2's setup output failed: " + e.getCause(), e);
        }
    }
}
