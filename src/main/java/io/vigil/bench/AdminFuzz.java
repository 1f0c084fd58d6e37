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
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admin channel request lines through the server's request path ({@link AdminFuzzEntry}): read one
 * line, parse, check the protocol, execute. Since protocol 3 (issue 12) who may send a line is
 * settled before it (TLS, or the Unix socket's peer credentials), so this target fuzzes what an
 * admitted client can send. The handler promises to answer anything, so every exception is a
 * crash, except the refusal of an over-long line.
 *
 * <p>The <em>victim</em> lane sends lines that must never reach the node: random bytes, malformed
 * JSON, requests of another protocol version (a protocol-2 envelope, a wrong or missing
 * {@code "protocol"}), requests asking to be relayed (the TCP channel never relays) and mutations
 * of those; any call into {@link NodeControl} is a state change. The <em>scratch</em> lane sends
 * well-formed protocol-3 requests with edited fields.
 */
final class AdminFuzz implements FuzzTarget {

    private static final byte VICTIM = 0;
    private static final byte SCRATCH = 1;
    private static final List<String> FIELDS = List.of("op", "command", "arg", "who", "log", "offset", "limit",
            "verbose", "chunked");

    private final AtomicLong calls = new AtomicLong();
    private final AdminFuzzEntry entry = new AdminFuzzEntry(new CountingControl());

    @Override
    public String name() {
        return "admin";
    }

    @Override
    public byte[] generate(SplittableRandom r) {
        int kind = r.nextInt(7);
        byte lane = kind < 5 ? VICTIM : SCRATCH;
        String line = switch (kind) {
            case 0 -> new String(Mutator.randomBytes(r, r.nextInt(300)), StandardCharsets.ISO_8859_1);
            case 1 -> "{\"request\":" + request(r, null) + ",\"mac\":\"" + "00".repeat(32) + "\"}";
            case 2 -> request(r, r.nextBoolean() ? null : Integer.toString(otherVersion(r)));
            case 3 -> JsonEdits.object(r, List.of("protocol", "op"), f -> f.equals("protocol")
                    ? JsonEdits.quote(Mutator.edgeString(r)) : JsonEdits.word(r, "status", "logs"));
            case 4 -> withField(request(r, version()), "\"peer\":true");
            default -> request(r, version());
        };
        byte[] bytes = (line + (r.nextInt(10) == 0 ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
        // Only the envelope without "protocol" is mutated: a mutation of the others could turn one
        // into a valid request ("peer" renamed, the version rewritten), which is no finding.
        if (kind == 1) {
            bytes = r.nextBoolean() ? bytes : Mutator.mutate(bytes, r);
        }
        return Mutator.concat(new byte[] {lane}, bytes);
    }

    @Override
    public Verdict feed(byte[] input) {
        byte[] received = Arrays.copyOfRange(input, 1, input.length);
        long before = calls.get();
        String answer;
        try {
            answer = entry.answer(received);
        } catch (IOException e) {
            return Verdict.REJECTED; // a line over the limit: refused, as documented
        }
        boolean ok = answer != null && answer.startsWith("{\"ok\":true");
        if (input[0] == VICTIM && (ok || calls.get() != before)) {
            return Verdict.stateChange("refused request reached the node", "a request of another protocol, or asking"
                    + " to be relayed, reached the node (" + (calls.get() - before) + " calls); answer " + answer);
        }
        return ok ? Verdict.ACCEPTED : Verdict.REJECTED;
    }

    private static String version() {
        return Integer.toString(AdminFuzzEntry.version());
    }

    private static int otherVersion(SplittableRandom r) {
        int v = r.nextInt(3) == 0 ? Mutator.edgeInt(r) : r.nextInt(5);
        // One version apart is inside the window (issue 15) and would be accepted: no finding.
        return io.vigil.protocol.ProtocolVersion.accepts(AdminFuzzEntry.version(), v) ? AdminFuzzEntry.version() + 2 : v;
    }

    /** A JSON object with one more member (or, if it is no object, unchanged: the server refuses it anyway). */
    private static String withField(String object, String member) {
        return object.startsWith("{") ? "{" + member + (object.equals("{}") ? "" : ",") + object.substring(1) : object;
    }

    /** @param protocol the "protocol" member's JSON value, or null to leave it out */
    private static String request(SplittableRandom r, String protocol) {
        String body = JsonEdits.object(r, FIELDS, f -> switch (f) {
            case "op" -> JsonEdits.word(r, "status", "logs", "estimate", "command");
            case "command" -> JsonEdits.word(r, "start", "stop", "restart", "swap", "swap-without-sync",
                    "force-start", "boot", "failover", "checkers");
            case "arg" -> JsonEdits.word(r, "keep", "enabled", "disabled", "on", "off", "suspend", "resume", "start",
                    "stop", " ON ");
            case "log" -> JsonEdits.word(r, "module", "application", "commands");
            case "verbose" -> r.nextBoolean() ? "true" : "false";
            case "offset", "limit" -> Integer.toString(r.nextInt(3) == 0 ? Mutator.edgeInt(r) : r.nextInt(6000));
            case "chunked" -> r.nextBoolean() ? "true" : "false";
            default -> JsonEdits.quote(Mutator.edgeString(r));
        });
        return protocol == null ? body : withField(body, "\"protocol\":" + protocol);
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
