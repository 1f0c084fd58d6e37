package io.vigil.resource;

import java.io.IOException;
import java.io.Reader;

/**
 * Lines of a service's output, each at most {@link #MAX_LINE_CHARS} characters (issue 10 item 8).
 * {@code BufferedReader.readLine} keeps a whole line in memory: a service that prints 10 MB
 * without a newline (or forever) would grow the daemon's heap with it. Here the rest of a long
 * line is read and dropped, so the pipe is still drained, and the kept part is marked as cut.
 */
final class BoundedLineReader {

    /** Enough for any stack trace line; more is noise in a log a person reads. */
    static final int MAX_LINE_CHARS = 8192;

    private final Reader in;
    private final char[] buf = new char[8192];
    private int pos;
    private int end;

    BoundedLineReader(Reader in) {
        this.in = in;
    }

    /** The next line without its terminator ({@code \n}, {@code \r\n}), or null at the end of the output. */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        long dropped = 0;
        while (true) {
            int c = read();
            if (c < 0) {
                return line.length() == 0 && dropped == 0 ? null : finish(line, dropped);
            }
            if (c == '\n') {
                return finish(line, dropped);
            }
            if (line.length() < MAX_LINE_CHARS) {
                line.append((char) c);
            } else {
                dropped++;
            }
        }
    }

    private static String finish(StringBuilder line, long dropped) {
        if (dropped == 0 && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        return dropped == 0 ? line.toString() : line + " [line cut: " + dropped + " more characters dropped]";
    }

    private int read() throws IOException {
        if (pos == end) {
            end = in.read(buf, 0, buf.length);
            pos = 0;
            if (end <= 0) {
                end = 0;
                return -1;
            }
        }
        return buf[pos++];
    }
}
