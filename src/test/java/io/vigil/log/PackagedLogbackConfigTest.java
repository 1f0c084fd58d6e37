package io.vigil.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 9: without a logback.xml, logback logs DEBUG of every library to stdout, where it
 * mixes with `vigil status --json`. The packaged one logs INFO to stderr, and
 * VIGIL_LOG_LEVEL (environment or system property) brings DEBUG back for a support case.
 */
class PackagedLogbackConfigTest {

    /** The packaged file: tests have logback-test.xml, which logback would otherwise prefer. */
    static URL packaged() {
        return PackagedLogbackConfigTest.class.getClassLoader().getResource("logback.xml");
    }

    static String logThroughPackagedConfig(String level) throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        if (level != null) {
            ctx.putProperty("VIGIL_LOG_LEVEL", level);
        }
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(ctx);
            joran.doConfigure(packaged());
            ctx.getLogger("io.vigil.replication.PgInstance").debug("debug detail");
            ctx.getLogger("io.vigil.replication.PgInstance").info("PostgreSQL started");
            ctx.getLogger("org.example.Library").debug("library chatter");
        } finally {
            ctx.stop();
            System.setErr(realErr);
            System.setOut(realOut);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing on stdout").isEmpty();
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLogbackXmlIsPackagedAndLogsInfoNotDebugToStderr() throws Exception {
        assertThat(packaged()).as("src/main/resources/logback.xml").isNotNull();
        assertThat(packaged().getPath()).doesNotContain("test-classes");
        String err = logThroughPackagedConfig(null);
        assertThat(err).contains("INFO").contains("PgInstance").contains("PostgreSQL started")
                .doesNotContain("debug detail").doesNotContain("library chatter");
    }

    @Test
    void vigilLogLevelBringsDebugBack() throws Exception {
        assertThat(logThroughPackagedConfig("DEBUG")).contains("debug detail").contains("PostgreSQL started");
    }
}
