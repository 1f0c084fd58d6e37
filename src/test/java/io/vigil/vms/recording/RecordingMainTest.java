package io.vigil.vms.recording;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The recording server's command line refuses bad options with what to do, before starting anything. */
class RecordingMainTest {
    @TempDir
    Path tmp;

    private String refusal(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new RecordingMain());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute(args)).isEqualTo(2);
        return err.toString().lines().findFirst().orElse("");
    }

    private String[] args(String url, Path passwordFile, String port) {
        return new String[] {"--name", "rec1", "--storage", tmp.resolve("video").toString(), "--management-url", url,
                "--user", "rec", "--password-file", passwordFile.toString(), "--port", port};
    }

    @Test
    void badOptionsAreRefusedWithTheFix() throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw"), "secret-Pw9\n");
        Path empty = Files.writeString(tmp.resolve("empty"), "\n");
        assertThat(refusal(args("ftp://x", pw, "7563")))
                .isEqualTo("--management-url 'ftp://x' is not an http(s) URL such as http://10.0.0.10:8100");
        assertThat(refusal(args("http://10.0.0.10:8100", tmp.resolve("absent"), "7563"))).isEqualTo("--password-file "
                + tmp.resolve("absent") + " cannot be read; check it exists and this user may read it");
        assertThat(refusal(args("http://10.0.0.10:8100", empty, "7563"))).isEqualTo("--password-file " + empty + " is empty");
        assertThat(refusal(args("http://10.0.0.10:8100", pw, "70000")))
                .isEqualTo("--port 70000 is not a port (1-65535, or 0 for any free port)");
    }
}
