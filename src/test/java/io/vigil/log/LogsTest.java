package io.vigil.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T08:30:00.123Z"), ZoneOffset.UTC);
    static final String KEY = "00112233445566778899AABBCCDDEEFF";

    @TempDir
    Path dir;

    ModuleLog moduleLog(long maxBytes) throws Exception {
        return new ModuleLog(dir.resolve("module.log"), maxBytes, 3, CLOCK, new Redactor());
    }

    @Test
    void moduleLogLinesHaveTimeAndLevel() throws Exception {
        try (ModuleLog log = moduleLog(1 << 20)) {
            log.info("state=SECOND->ALONE reason=PEER_LOST epoch=7");
        }
        assertThat(Files.readAllLines(dir.resolve("module.log")))
                .containsExactly("2026-11-25 08:30:00.123 I state=SECOND->ALONE reason=PEER_LOST epoch=7");
    }

    @Test
    void shortViewShowsErrorsOnlyAndVerboseShowsAll() throws Exception {
        try (ModuleLog log = moduleLog(1 << 20)) {
            log.info("one");
            log.error("two");
            log.debug("three");
            log.error("four");
            assertThat(log.read(false, 0, 10)).extracting(l -> l.substring(24)).containsExactly("E two", "E four");
            assertThat(log.read(true, 0, 10)).extracting(l -> l.substring(24))
                    .containsExactly("I one", "E two", "D three", "E four");
            assertThat(log.read(true, 1, 2)).extracting(l -> l.substring(24)).containsExactly("E two", "D three");
        }
    }

    @Test
    void readSpansRotatedFiles() throws Exception {
        // Each line is 24 + "E msg-N" = 32 bytes with newline; 64 bytes hold two lines.
        try (ModuleLog log = moduleLog(64)) {
            for (int i = 0; i < 6; i++) {
                log.log(i % 2 == 0 ? ModuleLog.Level.E : ModuleLog.Level.D, "msg-" + i);
            }
            assertThat(dir.resolve("module.log.2")).exists();
            assertThat(log.read(false, 0, 10)).extracting(l -> l.substring(26))
                    .containsExactly("msg-0", "msg-2", "msg-4");
        }
    }

    @Test
    void secretsAreRedactedInEveryCase() throws Exception {
        try (ModuleLog log = moduleLog(1 << 20)) {
            log.addSecret(KEY);
            log.addSecret("s3cret-pass");
            log.error("key " + KEY.toLowerCase() + " and " + KEY + " password=s3cret-pass");
            assertThat(log.read(true, 0, 1)).singleElement().asString()
                    .endsWith("E key <redacted> and <redacted> password=<redacted>");
        }
        assertThat(Files.readString(dir.resolve("module.log"))).doesNotContainIgnoringCase(KEY)
                .doesNotContain("s3cret-pass");
    }

    @Test
    void aSharedRedactorHidesSecretsInAllLogs() throws Exception {
        Redactor redactor = new Redactor();
        redactor.addSecret("hunter22");
        try (CommandsLog commands = new CommandsLog(dir.resolve("commands.log"), 1 << 20, 1, CLOCK, redactor);
             ApplicationLog app = new ApplicationLog(dir.resolve("application.log"), 1 << 20, 1, CLOCK, redactor)) {
            commands.record("admin", "password set hunter22", "ok");
            app.line("db", "connecting with hunter22");
            assertThat(commands.read(0, 10))
                    .containsExactly("2026-11-25 08:30:00.123 admin | password set <redacted> | ok");
            assertThat(app.read(0, 10)).containsExactly("2026-11-25 08:30:00.123 [db] connecting with <redacted>");
        }
    }

    @Test
    void tooShortSecretsAreRefused() {
        assertThatThrownBy(() -> new Redactor().addSecret("ab")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reopeningALogAppends() throws Exception {
        try (CommandsLog log = new CommandsLog(dir.resolve("commands.log"), 1 << 20, 1, CLOCK, new Redactor())) {
            log.record("admin", "stop", "ok");
        }
        try (CommandsLog log = new CommandsLog(dir.resolve("commands.log"), 1 << 20, 1, CLOCK, new Redactor())) {
            log.record("cli", "start --cluster", "refused: peer unreachable");
            assertThat(log.read(0, 10)).extracting(l -> l.substring(24))
                    .containsExactly("admin | stop | ok", "cli | start --cluster | refused: peer unreachable");
        }
    }

    @Test
    void aWriteFailureDoesNotThrowToTheCaller() throws Exception {
        ModuleLog log = moduleLog(1 << 20);
        log.close();
        log.error("after close"); // reported once through slf4j, never thrown into the event loop
        assertThat(Files.readAllLines(dir.resolve("module.log"))).isEmpty();
    }
}
