package io.vigil.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * bench/fuzz (issue 10): every decoder that reads bytes from the network, on generated and mutated
 * input. Each case picks a decoder, is generated from its own seed (derived from the run's seed
 * and its index, so {@code bench/fuzz CASES SEED} feeds the same inputs again) and runs on a worker
 * thread with a deadline. Counted per decoder: cases, accepted, rejected (the decoder's documented
 * rejection), crashes (any other exception), hangs (over the deadline) and state changes (input
 * that was not authentic changed what the node or the witness shows).
 *
 * <p>Progress and every finding (decoder, case, input in hex, stack) go to stderr; the last line
 * on stdout is one JSON object.
 */
public final class Fuzz {

    static final long DEFAULT_CASES = 100_000;
    static final long CASE_TIMEOUT_MS = 1000;
    /** A case over its deadline is a hang only if it is still running after this many deadlines. */
    static final int GRACE = 5;
    private static final int FINDINGS_KEPT = 20;
    private static final int PRINTED_PER_KIND = 5;
    private static final int HEX_SHOWN = 512;

    private final long cases;
    private final long seed;
    private final long timeoutMs;
    private final Consumer<String> progress;
    private final List<FuzzTarget> targets;
    private final int[] weights;
    private final Map<String, Counts> counts = new LinkedHashMap<>();
    private final List<String> findings = new ArrayList<>();
    private ExecutorService worker = newWorker();

    /** Cases and findings of one decoder. */
    static final class Counts {
        long cases;
        long accepted;
        long rejected;
        long crashes;
        long hangs;
        long slow;
        long stateChanges;
        long nanos;
        /** Findings printed so far, per kind; the rest are only counted, so one systematic hole does not flood stderr. */
        final Map<String, Integer> printed = new java.util.HashMap<>();
        /** State changes by kind, e.g. "replay of an earlier incarnation". */
        final Map<String, Long> kinds = new java.util.TreeMap<>();

        String json() {
            return String.format(Locale.ROOT, "{\"cases\":%d,\"accepted\":%d,\"rejected\":%d,\"crashes\":%d,"
                    + "\"hangs\":%d,\"slow\":%d,\"state_changes\":%d,%s\"ms\":%d}", cases, accepted, rejected, crashes,
                    hangs, slow, stateChanges, kindsJson(), nanos / 1_000_000);
        }

        private String kindsJson() {
            if (kinds.isEmpty()) {
                return "";
            }
            StringBuilder b = new StringBuilder("\"state_change_kinds\":{");
            kinds.forEach((k, n) -> b.append(b.charAt(b.length() - 1) == '{' ? "" : ",").append('"')
                    .append(escape(k)).append("\":").append(n));
            return b.append("},").toString();
        }
    }

    /** The result of a run; {@link #json()} is the bench's output line. */
    public record Report(long cases, long crashes, long hangs, long stateChanges, Map<String, Counts> perDecoder,
                         List<String> findings, long seed, long ms) {
        public String json() {
            StringBuilder per = new StringBuilder();
            perDecoder.forEach((name, c) -> per.append(per.length() == 0 ? "" : ",").append('"').append(name)
                    .append("\":").append(c.json()));
            StringBuilder f = new StringBuilder();
            findings.forEach(x -> f.append(f.length() == 0 ? "" : ",").append('"').append(escape(x)).append('"'));
            return String.format(Locale.ROOT, "{\"bench\":\"fuzz\",\"cases\":%d,\"crashes\":%d,\"hangs\":%d,"
                    + "\"state_changes\":%d,\"per_decoder\":{%s},\"findings\":[%s],\"seed\":%d,\"ms\":%d}",
                    cases, crashes, hangs, stateChanges, per, f, seed, ms);
        }
    }

    Fuzz(long cases, long seed, long timeoutMs, List<FuzzTarget> targets, int[] weights,
         Consumer<String> progress) {
        if (targets.size() != weights.length) {
            throw new IllegalArgumentException(targets.size() + " targets but " + weights.length + " weights");
        }
        this.cases = cases;
        this.seed = seed;
        this.timeoutMs = timeoutMs;
        this.progress = progress;
        this.targets = List.copyOf(targets);
        this.weights = weights.clone();
        for (FuzzTarget t : targets) {
            counts.put(t.name(), new Counts());
        }
    }

    /** Every network decoder, scratch files under {@code workDir}. */
    static List<FuzzTarget> decoders(Path workDir) throws Exception {
        return List.of(new HeartbeatFuzz(), new WitnessFuzz(), new AdminFuzz(), new AdminClientFuzz(),
                new ConsoleFuzz(), new DirSyncHandshakeFuzz(), new DirSyncFuzz(workDir));
    }

    /** Shares of the cases, in the order of {@link #decoders}: a directory pull costs a connection and files. */
    private static final int[] WEIGHTS = {28, 22, 16, 6, 18, 6, 4};

    /** Usage: Fuzz [CASES [SEED]]. */
    public static void main(String[] args) throws Exception {
        long cases = args.length > 0 ? parse(args[0], "CASES") : DEFAULT_CASES;
        long seed = args.length > 1 ? parse(args[1], "SEED") : System.nanoTime() & 0xffff_ffffL;
        if (cases < 1) {
            throw new IllegalArgumentException("CASES must be at least 1, got " + cases);
        }
        Path work = Files.createTempDirectory("vigil-fuzz-");
        Report r;
        try {
            r = run(cases, seed, CASE_TIMEOUT_MS, work, System.err::println);
        } finally {
            io.vigil.demo.LocalCluster.deleteTree(work);
        }
        System.out.println(r.json());
        // exit explicitly: a hung case leaves its worker thread behind; 1 lets CI fail on a finding
        System.exit(r.crashes() + r.hangs() + r.stateChanges() == 0 ? 0 : 1);
    }

    /** Runs {@code cases} cases from {@code seed}; scratch files go under {@code workDir}. */
    public static Report run(long cases, long seed, long timeoutMs, Path workDir, Consumer<String> progress)
            throws Exception {
        return run(cases, seed, timeoutMs, decoders(workDir), WEIGHTS, progress);
    }

    /** Runs {@code cases} cases over {@code targets} and closes them. */
    static Report run(long cases, long seed, long timeoutMs, List<FuzzTarget> targets, int[] weights,
                      Consumer<String> progress) throws InterruptedException {
        Fuzz f = new Fuzz(cases, seed, timeoutMs, targets, weights, progress);
        try {
            return f.runAll();
        } finally {
            f.close();
        }
    }

    private Report runAll() throws InterruptedException {
        progress.accept("fuzz seed " + seed + ", " + cases + " cases; replay with: bench/fuzz " + cases + " " + seed);
        long t0 = System.nanoTime();
        for (long i = 0; i < cases; i++) {
            runCase(i);
            if ((i + 1) % 10_000 == 0) {
                progress.accept("fuzz: " + (i + 1) + " cases, " + total(c -> c.crashes) + " crashes, "
                        + total(c -> c.hangs) + " hangs, " + total(c -> c.stateChanges) + " state changes");
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Report(cases, total(c -> c.crashes), total(c -> c.hangs), total(c -> c.stateChanges), counts,
                List.copyOf(findings), seed, ms);
    }

    private void runCase(long index) throws InterruptedException {
        SplittableRandom r = new SplittableRandom(mix(seed, index));
        FuzzTarget t = pick(r);
        byte[] input = t.generate(r);
        Counts c = counts.get(t.name());
        c.cases++;
        Future<FuzzTarget.Verdict> f = worker.submit(() -> t.feed(input));
        long deadline = Math.max(timeoutMs, t.timeoutMs());
        long t0 = System.nanoTime();
        try {
            count(t, c, index, input, awaitCase(f, deadline, c));
        } catch (ExecutionException e) {
            c.crashes++;
            finding(t, index, "CRASH: " + e.getCause(), input, e.getCause());
        } catch (TimeoutException e) {
            c.hangs++;
            finding(t, index, "HANG: no answer within " + deadline * GRACE + " ms", input, null);
            f.cancel(true);
            worker.shutdownNow(); // the stuck thread is a daemon; the next case gets a fresh one
            worker = newWorker();
        } finally {
            c.nanos += System.nanoTime() - t0;
        }
    }

    /**
     * The case's verdict. Past its deadline a case gets {@link #GRACE} times as long again before
     * it counts as a hang: on a loaded machine (shared CI runners) a slow case is not a hang; it
     * is counted as "slow".
     */
    private static FuzzTarget.Verdict awaitCase(Future<FuzzTarget.Verdict> f, long deadlineMs, Counts c)
            throws ExecutionException, TimeoutException, InterruptedException {
        try {
            return f.get(deadlineMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            FuzzTarget.Verdict v = f.get(deadlineMs * (GRACE - 1), TimeUnit.MILLISECONDS);
            c.slow++;
            return v;
        }
    }

    private void count(FuzzTarget t, Counts c, long index, byte[] input, FuzzTarget.Verdict v) {
        switch (v.outcome()) {
            case ACCEPTED -> c.accepted++;
            case REJECTED -> c.rejected++;
            case STATE_CHANGE -> {
                c.stateChanges++;
                c.kinds.merge(v.kind(), 1L, Long::sum);
                finding(t, index, "STATE CHANGE (" + v.kind() + "): " + v.detail(), input, null);
            }
        }
    }

    /**
     * Prints a finding with its input (and stack) the first {@link #PRINTED_PER_KIND} times its
     * kind occurs; the report keeps the first example of each kind. A kind is the decoder, what
     * happened and, for a crash, the exception and where it was thrown.
     */
    private void finding(FuzzTarget t, long index, String what, byte[] input, Throwable stack) {
        String kind = t.name() + " " + what.substring(0, what.indexOf(':'))
                + (stack == null ? "" : " " + stack.getClass().getName() + " at " + origin(stack));
        int seen = counts.get(t.name()).printed.merge(kind, 1, Integer::sum);
        if (seen > PRINTED_PER_KIND) {
            return; // the same kind again: counted, not printed
        }
        String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, HEX_SHOWN))
                + (input.length > HEX_SHOWN ? "... (" + input.length + " bytes)" : "");
        String line = t.name() + " case " + index + ": " + what + "; input " + hex;
        progress.accept("fuzz: " + line);
        if (stack != null) {
            java.io.StringWriter sw = new java.io.StringWriter();
            stack.printStackTrace(new java.io.PrintWriter(sw));
            progress.accept(sw.toString());
        }
        if (seen == 1 && findings.size() < FINDINGS_KEPT) {
            findings.add(line + (stack == null ? "" : " at " + origin(stack)));
        }
    }

    /** The first frame of Vigil's code in a stack, where a decoder let the exception out. */
    private static String origin(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("io.vigil.")) {
                return e.getClassName() + "." + e.getMethodName() + ":" + e.getLineNumber();
            }
        }
        return "?";
    }

    private FuzzTarget pick(SplittableRandom r) {
        int sum = 0;
        for (int w : weights) {
            sum += w;
        }
        int x = r.nextInt(sum);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return targets.get(i);
            }
        }
        throw new IllegalStateException("weights do not cover " + x);
    }

    private long total(java.util.function.ToLongFunction<Counts> f) {
        return counts.values().stream().mapToLong(f).sum();
    }

    private void close() {
        worker.shutdownNow();
        for (FuzzTarget t : targets) {
            try {
                t.close();
            } catch (Exception e) {
                progress.accept("fuzz: closing " + t.name() + " failed: " + e);
            }
        }
    }

    /** SplitMix64 of seed and index: each case's generator is independent of the others'. */
    static long mix(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread th = new Thread(task, "vigil-fuzz-case");
            th.setDaemon(true);
            return th;
        });
    }

    private static long parse(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, got \"" + s
                    + "\"; usage: bench/fuzz [CASES [SEED]]");
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch > 0x7e) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
