package io.vigil.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 7: a node, a witness and `vigil config check`, run as real processes, refuse a
 * cluster key that other local users can read, name the file and the chmod that fixes it.
 */
@Tag("processes")
class KeyFileModeTest {

    static final String KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;

    record Result(int exitCode, String output) {
    }

    /** Runs `vigil ARGS` as a process; one that is still running after 30 s (it started) fails the test. */
    Result vigil(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.vigil.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out-" + System.nanoTime());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(exited).as("vigil " + String.join(" ", args) + " should refuse, but kept running: " + text).isTrue();
        return new Result(p.exitValue(), text);
    }

    Path nodeConfig(String keyLine, String mode) throws Exception {
        Path f = dir.resolve("vigil.yaml");
        Files.writeString(f, "cluster:\n  name: demo\n  " + keyLine + "\nnode:\n  id: 1\n  dataDir: " + dir.resolve("data")
                + "\nheartbeat:\n  networks:\n    - local: 127.0.0.1\n      peer: 127.0.0.1\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    Path keyFile(String mode) throws Exception {
        Path k = Files.writeString(dir.resolve("cluster.key"), KEY + "\n");
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString(mode));
        return k;
    }

    @Test
    void aNodeRefusesAWorldReadableKeyFileNamingTheChmod() throws Exception {
        Path key = keyFile("rw-r--r--");
        Path cfg = nodeConfig("keyFile: " + key, "rw-r--r--");
        Result node = vigil("node", "--config", cfg.toString());
        assertThat(node.exitCode()).isEqualTo(2);
        assertThat(node.output()).contains("cluster.keyFile").contains(key + " has mode 0644")
                .contains("chmod 600 " + key).doesNotContain(KEY);
        assertThat(dir.resolve("data")).as("nothing started").doesNotExist();

        Result check = vigil("config", "check", cfg.toString());
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.output()).contains("chmod 600 " + key);

        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Result ok = vigil("config", "check", cfg.toString());
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).startsWith("OK: ");
    }

    @Test
    void aGroupReadableConfigurationHoldingTheKeyInlineIsRefused() throws Exception {
        Path cfg = nodeConfig("key: \"" + KEY + "\"", "rw-r-----");
        Result node = vigil("node", "--config", cfg.toString());
        assertThat(node.exitCode()).isEqualTo(2);
        assertThat(node.output()).contains("cluster.key").contains(cfg + " has mode 0640")
                .contains("chmod 600 " + cfg).doesNotContain(KEY);
        Result check = vigil("config", "check", cfg.toString());
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.output()).contains("chmod 600 " + cfg);
    }

    @Test
    void aWitnessRefusesAWorldReadableKeyInlineOrInAFile() throws Exception {
        Path cfg = dir.resolve("witness.yaml");
        Files.writeString(cfg, "port: 48651\nstateDir: " + dir.resolve("state") + "\nclusters:\n  - name: a\n    key: \""
                + KEY + "\"\n");
        Files.setPosixFilePermissions(cfg, PosixFilePermissions.fromString("rw-r--r--"));
        Result inline = vigil("witness", "--config", cfg.toString());
        assertThat(inline.exitCode()).isEqualTo(2);
        assertThat(inline.output()).contains("clusters[0].key").contains("chmod 600 " + cfg).doesNotContain(KEY);

        Path key = keyFile("rw-r--r--");
        Files.writeString(cfg, "port: 48651\nstateDir: " + dir.resolve("state") + "\nclusters:\n  - name: a\n    keyFile: "
                + key + "\n");
        Result file = vigil("witness", "--config", cfg.toString());
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.output()).contains("clusters[0].keyFile").contains("chmod 600 " + key);
        assertThat(dir.resolve("state")).as("nothing started").doesNotExist();
    }
}
