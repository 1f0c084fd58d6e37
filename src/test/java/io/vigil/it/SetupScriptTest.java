package io.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/setup.sh run by a non-root user without sudo, on a PATH where nothing is installed
 * (issue 10 item 9): it must name every package, say what to run as root, and stop non-zero
 * before trying to install anything. procps is among them although `kill` is a shell builtin.
 */
class SetupScriptTest {

    @TempDir
    Path dir;

    Path stub(String name, String body) throws Exception {
        Path p = dir.resolve("bin").resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void aNonRootUserWithoutSudoIsToldExactlyWhatToRunAsRoot() throws Exception {
        Path calls = dir.resolve("apt-calls");
        stub("id", "[ \"$1\" = -u ] && echo 1000 || /usr/bin/id \"$@\"");
        stub("dirname", "exec /usr/bin/dirname \"$@\"");
        stub("readlink", "exec /usr/bin/readlink \"$@\"");
        stub("apt-get", "echo \"$@\" >> " + calls);
        Path script = Path.of(System.getProperty("vigil.home", ".")).resolve("scripts/setup.sh").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", dir.resolve("bin").toString());
        env.put("HOME", dir.toString());
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).contains("not root and has no sudo. As root, run:")
                .containsPattern("apt-get install -y [^\\n]*openjdk-17-jdk-headless[^\\n]*maven[^\\n]*procps")
                .contains("then run " + script + " again");
        assertThat(calls).as("nothing was installed").doesNotExist();
    }
}
