package io.vigil.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 item 8: service output was read with an unbounded readLine, so a service printing a
 * huge line held all of it in the daemon's heap. Lines are now cut at
 * {@link BoundedLineReader#MAX_LINE_CHARS} and marked; the rest is drained, not kept.
 */
class OutputPumpTest {

    static final int TEN_MB = 10 * 1024 * 1024;

    List<String> pump(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        OutputPump.start("big", p.getInputStream(), (resource, line) -> lines.add(resource + ": " + line));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return lines;
    }

    @Test
    void aServicePrintingTenMegabytesWithoutANewlineIsCutAndMarked() throws Exception {
        List<String> lines = pump("head -c " + TEN_MB + " /dev/zero | tr '\\000' x");
        await().atMost(Duration.ofSeconds(30)).until(() -> !lines.isEmpty());
        assertThat(lines).singleElement().asString()
                .startsWith("big: " + "x".repeat(100))
                .endsWith(" [line cut: " + (TEN_MB - BoundedLineReader.MAX_LINE_CHARS) + " more characters dropped]")
                .hasSizeLessThan(BoundedLineReader.MAX_LINE_CHARS + 100);
    }

    @Test
    void theOutputAfterALongLineStillArrivesWhole() throws Exception {
        List<String> lines = pump("head -c 100000 /dev/zero | tr '\\000' y; echo; echo 'service ready'; printf 'no newline'");
        await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() == 3);
        assertThat(lines.get(0)).contains("[line cut: " + (100_000 - BoundedLineReader.MAX_LINE_CHARS) + " more");
        assertThat(lines.subList(1, 3)).containsExactly("big: service ready", "big: no newline");
    }

    @Test
    void lineEndsAreThoseOfReadLineForNewlineAndCarriageReturnNewline() throws IOException {
        BoundedLineReader r = new BoundedLineReader(new StringReader("a\r\nb\n\nc"));
        assertThat(r.readLine()).isEqualTo("a");
        assertThat(r.readLine()).isEqualTo("b");
        assertThat(r.readLine()).isEmpty();
        assertThat(r.readLine()).isEqualTo("c");
        assertThat(r.readLine()).isNull();
    }
}
