package io.vigil.vms.management;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The servers' command lines refuse missing or unreadable database settings with what to do. */
class ServerMainTest {
    @TempDir
    Path tmp;

    private String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ManagementMain());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertThat(code).as("refused").isNotZero();
        return err.toString();
    }

    @Test
    void withoutADatabaseItSaysHowToGiveOne() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("VIGIL_DB_URL") == null,
                "VIGIL_DB_URL is set in this environment");
        assertThat(run("--port", "0")).contains("no database given").contains("VIGIL_DB_URL");
    }

    @Test
    void anUnreadablePasswordFileIsNamed() {
        assertThat(run("--jdbc-url", "jdbc:postgresql://127.0.0.1:1/vms", "--db-password-file",
                tmp.resolve("absent").toString())).contains("--db-password-file").contains("cannot be read");
    }

    @Test
    void anEmptyPasswordFileIsNamed() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        assertThat(run("--jdbc-url", "jdbc:postgresql://127.0.0.1:1/vms", "--db-password-file", empty.toString()))
                .contains("is empty");
    }
}
