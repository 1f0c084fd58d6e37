package io.vigil.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.console.Snapshot;
import io.vigil.api.LogPage;
import io.vigil.log.ApplicationLog;
import io.vigil.log.ModuleLog;
import io.vigil.log.Redactor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 8: answers over 64 KiB (5,000 log lines are more) failed on the admin channel,
 * so `vigil logs -n 20000`, a peer's logs in the console and a snapshot of a busy node did not
 * work. Real logs of more than 100,000 lines, read through a real admin server and client.
 */
class LargeAnswerTest {

    static final int LINES = 120_000;

    @TempDir
    static Path dir;

    static TestTls tls;
    static ModuleLog module;
    static ApplicationLog application;
    AdminServer server;

    @BeforeEach
    void logsAndServer() throws Exception {
        if (module == null) {
            module = new ModuleLog(dir.resolve("module.log"), 1L << 30, 1, Clock.systemUTC(), new Redactor());
            application = new ApplicationLog(dir.resolve("application.log"), 1L << 30, 1, Clock.systemUTC(),
                    new Redactor());
            for (int i = 0; i < LINES; i++) {
                module.info("state=PRIM line " + i + " of a busy node, long enough to look like a real one");
            }
            application.line("mgmt", "x".repeat(30_000));
            application.line("mgmt", "after the long line");
        }
        FakeNode node = FakeNode.primary(1).withLogs((log, verbose, offset, limit) -> new LogPage(log, verbose,
                "module".equals(log) ? module.read(verbose, offset, limit) : application.read(offset, limit)));
        if (tls == null) {
            tls = TestTls.create(dir.resolve("certs"));
        }
        server = AdminServer.start(node, tls.node1, "127.0.0.1", 0, null, line -> { });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    AdminClient client() {
        return AdminClient.overTls(tls.node2, "127.0.0.1", server.port(), 30_000);
    }

    @Test
    void twentyThousandLinesComeThroughInOrder() throws Exception {
        List<String> lines = client().logs("module", true, 0, 20_000).lines();
        assertThat(lines).hasSize(20_000);
        assertThat(lines.get(0)).endsWith("line " + (LINES - 20_000) + " of a busy node, long enough to look like a real one");
        assertThat(lines.get(19_999)).contains("line " + (LINES - 1) + " of");
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).contains(" line " + (LINES - 20_000 + i) + " of");
        }
    }

    @Test
    void theLargestAnswerHoldsAHundredThousandLines() throws Exception {
        List<String> lines = client().logs("module", true, 100, 100_000).lines();
        assertThat(lines).hasSize(100_000);
        assertThat(lines.get(99_999)).contains("line " + (LINES - 101) + " of");
    }

    @Test
    void aSnapshotOfABigLogCarriesItsLastLines() throws Exception {
        byte[] zip = Snapshot.overAdminChannel(client(), 1, null);
        String moduleLog = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().endsWith("/module.log")) {
                    moduleLog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        assertThat(moduleLog).isNotNull();
        String[] lines = moduleLog.split("\n");
        assertThat(lines.length).isEqualTo(5000);
        assertThat(lines[4999]).contains("line " + (LINES - 1) + " of");
    }

    @Test
    void aLineLongerThanAFrameIsCutAndMarkedAndTheNextOneFollows() throws Exception {
        List<String> lines = client().logs("application", false, 0, 2).lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("[mgmt] xxxx").endsWith(" more characters]")
                .hasSizeLessThan(AdminProtocol.MAX_LINE_BYTES);
        assertThat(lines.get(1)).endsWith("[mgmt] after the long line");
    }

    @Test
    void everyFrameFitsTheLineLimitAndOnlyTheLastSaysNoMore() {
        java.util.Map<String, Object> answer = RequestHandler.ok();
        answer.put("logs", new LogPage("module", true, java.util.Collections.nCopies(5000, "z".repeat(100))));
        answer.put("more", false);
        List<String> frames = AdminProtocol.frames(answer);
        assertThat(frames).hasSizeGreaterThan(5);
        assertThat(frames).allSatisfy(f -> assertThat(AdminProtocol.utf8Length(f)).isLessThanOrEqualTo(
                AdminProtocol.MAX_LINE_BYTES));
        assertThat(frames.subList(0, frames.size() - 1)).allSatisfy(f -> assertThat(f).contains("\"more\":true"));
        assertThat(frames.get(frames.size() - 1)).contains("\"more\":false");
    }

    @Test
    void aBigAnswerToAClientThatCannotJoinFramesIsAPreciseErrorNotACutAnswer() {
        java.util.Map<String, Object> answer = RequestHandler.ok();
        answer.put("logs", new LogPage("module", true, java.util.Collections.nCopies(5000, "z".repeat(100))));
        assertThat(AdminProtocol.frames(answer)).singleElement().asString().contains("\"code\":\"too-large\"")
                .contains("ask for fewer log lines");
    }
}
