package io.vigil.bench;

import io.vigil.admin.AdminFuzzEntry;
import io.vigil.core.Command;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;
import io.vigil.api.LogPage;
import io.vigil.api.NodeControl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admin channel request lines through the server's request path ({@link AdminFuzzEntry}): read one
 * line, parse, authenticate, execute. The handler promises to answer anything a client sends, so
 * every exception is a crash, except the refusal of an over-long line.
 *
 * <p>The <em>victim</em> lane sends lines that are not authentic for the connection's challenge
 * (random bytes, malformed JSON, a request signed for another challenge, as a recorded one would
 * be, or with another key, and mutations of those); none of them may reach the node, so any call
 * into {@link NodeControl} is a state change. The <em>scratch</em> lane sends correctly signed
 * requests with edited fields.
 */
final class AdminFuzz implements FuzzTarget {

    private static final byte VICTIM = 0;
    private static final byte SCRATCH = 1;
    private static final int CHALLENGE_BYTES = 32;
    private static final List<String> FIELDS = List.of("op", "command", "arg", "who", "log", "offset", "limit",
            "verbose", "nonce");

    private final byte[] key = FuzzKeys.key("admin");
    private final byte[] otherKey = FuzzKeys.key("another cluster");
    private final AtomicLong calls = new AtomicLong();
    private final AdminFuzzEntry entry = new AdminFuzzEntry(new CountingControl(), key);

    @Override
    public String name() {
        return "admin";
    }

    @Override
    public byte[] generate(SplittableRandom r) {
        byte[] challenge = Mutator.randomBytes(r, CHALLENGE_BYTES);
        String ch = HexFormat.of().formatHex(challenge);
        int kind = r.nextInt(6);
        byte lane = kind < 4 ? VICTIM : SCRATCH;
        String line = switch (kind) {
            case 0 -> new String(Mutator.randomBytes(r, r.nextInt(300)), StandardCharsets.ISO_8859_1);
            case 1 -> envelope(request(r), key, HexFormat.of().formatHex(Mutator.randomBytes(r, CHALLENGE_BYTES)));
            case 2 -> envelope(request(r), otherKey, ch);
            case 3 -> JsonEdits.object(r, List.of("request", "mac"), f -> f.equals("request") ? request(r)
                    : JsonEdits.quote(r.nextBoolean() ? Mutator.edgeString(r) : "00".repeat(32)));
            default -> envelope(request(r), key, ch);
        };
        byte[] bytes = (line + (r.nextInt(10) == 0 ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
        if (kind == 1 || kind == 2) {
            bytes = r.nextBoolean() ? bytes : Mutator.mutate(bytes, r);
        }
        return Mutator.concat(new byte[] {lane}, challenge, bytes);
    }

    @Override
    public Verdict feed(byte[] input) {
        String challenge = HexFormat.of().formatHex(input, 1, 1 + CHALLENGE_BYTES);
        byte[] received = Arrays.copyOfRange(input, 1 + CHALLENGE_BYTES, input.length);
        long before = calls.get();
        String answer;
        try {
            answer = entry.answer(received, challenge);
        } catch (IOException e) {
            return Verdict.REJECTED; // a line over the limit: refused, as documented
        }
        boolean ok = answer != null && answer.startsWith("{\"ok\":true");
        if (input[0] == VICTIM && (ok || calls.get() != before)) {
            return Verdict.stateChange("not authentic for this connection", "a request that is not authentic for "
                    + "this connection reached the node (" + (calls.get() - before) + " calls); answer " + answer);
        }
        return ok ? Verdict.ACCEPTED : Verdict.REJECTED;
    }

    private static String envelope(String request, byte[] key, String challenge) {
        String mac;
        try {
            mac = AdminFuzzEntry.mac(key, challenge, request);
        } catch (IOException | RuntimeException e) {
            mac = "00"; // the request is not valid JSON, so it cannot be signed; the server must refuse it
        }
        return "{\"request\":" + request + ",\"mac\":\"" + mac + "\"}";
    }

    private static String request(SplittableRandom r) {
        return JsonEdits.object(r, FIELDS, f -> switch (f) {
            case "op" -> JsonEdits.word(r, "status", "logs", "estimate", "command");
            case "command" -> JsonEdits.word(r, "start", "stop", "restart", "swap", "swap-without-sync",
                    "force-start", "boot", "failover", "checkers");
            case "arg" -> JsonEdits.word(r, "keep", "enabled", "disabled", "on", "off", "suspend", "resume", "start",
                    "stop", " ON ");
            case "log" -> JsonEdits.word(r, "module", "application", "commands");
            case "verbose" -> r.nextBoolean() ? "true" : "false";
            case "offset", "limit" -> Integer.toString(r.nextInt(3) == 0 ? Mutator.edgeInt(r) : r.nextInt(6000));
            // Protocol 2: the client's nonce, which the answer is sealed to; sometimes not a valid one.
            case "nonce" -> JsonEdits.quote(r.nextInt(8) == 0 ? Mutator.edgeString(r)
                    : HexFormat.of().formatHex(Mutator.randomBytes(r, 32)));
            default -> JsonEdits.quote(Mutator.edgeString(r));
        });
    }

    /** A node that answers every call at once and counts them. */
    private final class CountingControl implements NodeControl {
        @Override
        public CompletableFuture<CommandResult> submit(Command command, String who) {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture(new CommandResult(1, command.describe(), true, "done"));
        }

        @Override
        public DaemonStatus status() {
            calls.incrementAndGet();
            return null;
        }

        @Override
        public LogPage logs(String log, boolean verbose, int offset, int limit) {
            calls.incrementAndGet();
            return new LogPage(log, verbose, List.of("line"));
        }

        @Override
        public io.vigil.replication.ResyncEstimate estimate() {
            calls.incrementAndGet();
            throw new IllegalStateException("this node cannot estimate a data sync");
        }
    }
}
