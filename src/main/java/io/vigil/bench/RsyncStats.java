package io.vigil.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of {@code rsync --stats} a benchmark compares with: literal data (bytes of file
 * content rsync had to send because the receiver had no matching block) and total bytes sent
 * (literal data plus block references, file list and protocol overhead).
 */
record RsyncStats(long literalBytes, long matchedBytes, long totalSentBytes, long totalFileBytes) {

    static RsyncStats parse(String statsOutput) {
        return new RsyncStats(field(statsOutput, "Literal data"), field(statsOutput, "Matched data"),
                field(statsOutput, "Total bytes sent"), field(statsOutput, "Total file size"));
    }

    private static long field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": ([0-9,.]+)( bytes)?\\s*$").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no '" + name + ":' line in rsync --stats output:\n" + out);
        }
        return Long.parseLong(m.group(1).replace(",", "").replace(".", ""));
    }
}
