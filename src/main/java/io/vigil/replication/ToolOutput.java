package io.vigil.replication;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses what pg_basebackup and pg_rewind print with {@code --progress} (LC_ALL=C). Both write
 * "DONE/TOTAL kB (P%)" lines, ending them with a newline rather than a CR when stderr is not a
 * terminal; pg_rewind also says "need to copy N MB (total source directory size is M MB)".
 */
final class ToolOutput {

    /** Bytes done and expected, from one progress line. */
    record Progress(long doneBytes, long totalBytes) { }

    /** pg_rewind's plan: bytes to copy and the source directory size (MB resolution). */
    record RewindPlan(long copyBytes, long sourceBytes) { }

    private static final Pattern PROGRESS = Pattern.compile("(\\d+)/(\\d+) kB \\(\\d+%\\)");
    private static final Pattern PLAN = Pattern.compile(
            "need to copy (\\d+) MB \\(total source directory size is (\\d+) MB\\)");
    private static final Pattern DIVERGED = Pattern.compile(
            "servers diverged at WAL location ([0-9A-Fa-f]+/[0-9A-Fa-f]+) on timeline (\\d+)");
    private static final long KB = 1024;
    private static final long MB = 1024 * 1024;

    private ToolOutput() {
    }

    static Optional<Progress> progress(String line) {
        Matcher m = PROGRESS.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Progress(Long.parseLong(m.group(1)) * KB, Long.parseLong(m.group(2)) * KB));
    }

    static Optional<RewindPlan> rewindPlan(String line) {
        Matcher m = PLAN.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new RewindPlan(Long.parseLong(m.group(1)) * MB, Long.parseLong(m.group(2)) * MB));
    }

    /** Where pg_rewind found the two histories part: the WAL position, on the last common timeline. */
    static Optional<Lsn> divergedAt(String line) {
        Matcher m = DIVERGED.matcher(line);
        return m.find() ? Optional.of(Lsn.parse(m.group(1))) : Optional.empty();
    }

    /** One transaction commit in pg_waldump's output (COMMIT, COMMIT_PREPARED). */
    static boolean isCommit(String line) {
        return line.contains("rmgr: Transaction") && line.contains("desc: COMMIT");
    }

    /** pg_waldump's normal end on a live WAL directory: the first invalid record after the last one. */
    static boolean isEndOfWal(String line) {
        return line.contains("error in WAL record at");
    }

    /** pg_rewind found the target already on the source's history: nothing to copy. */
    static boolean noRewindRequired(String line) {
        return line.contains("no rewind required");
    }

    /** The error lines a tool printed ("pg_rewind: error: ..."), for the reason of a failure. */
    static boolean isError(String line) {
        return line.contains("error:") || line.contains("fatal:") || line.contains("FATAL:")
                || line.contains("ERROR:") || line.contains("DETAIL:") || line.contains("HINT:");
    }
}
