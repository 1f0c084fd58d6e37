package io.vigil.admin;

import io.vigil.core.BootMode;
import io.vigil.core.Colour;
import io.vigil.core.Command;
import io.vigil.core.NodeState;
import io.vigil.core.NodeStatus;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;
import io.vigil.api.NodeControl;
import io.vigil.resource.Phase;
import io.vigil.resource.ResourceStatus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A {@link NodeControl} for tests: a fixed status, and commands recorded and answered by a function. */
public final class FakeNode implements NodeControl {

    /** One command as the node received it. */
    public record Received(Command command, String who) {
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    private final DaemonStatus status;
    private volatile Function<Command, CompletableFuture<CommandResult>> answer;

    public FakeNode(DaemonStatus status) {
        this.status = status;
        int id = status.node().nodeId();
        this.answer = c -> CompletableFuture.completedFuture(new CommandResult(id, c.describe(), true,
                c.describe() + " accepted"));
    }

    public static FakeNode primary(int id) {
        return new FakeNode(status(id, NodeState.PRIM, Colour.GREEN, false));
    }

    /** A node answering every command with a refusal carrying {@code reason}. */
    public FakeNode refusing(String reason) {
        int id = status.node().nodeId();
        answer = c -> CompletableFuture.completedFuture(new CommandResult(id, c.describe(), false, reason));
        return this;
    }

    public FakeNode answering(Function<Command, CompletableFuture<CommandResult>> answer) {
        this.answer = answer;
        return this;
    }

    @Override
    public CompletableFuture<CommandResult> submit(Command command, String who) {
        received.add(new Received(command, who));
        return answer.apply(command);
    }

    /** Reads a node's logs, as {@link NodeControl#logs}. */
    public interface Logs {
        io.vigil.api.LogPage read(String log, boolean verbose, int offset, int limit) throws java.io.IOException;
    }

    private volatile Logs logs = (log, verbose, offset, limit) ->
            new io.vigil.api.LogPage(log, verbose, java.util.List.of("fake " + log + " line"));

    /** Answers log requests from {@code source} (a real log) instead of one fake line. */
    public FakeNode withLogs(Logs source) {
        this.logs = source;
        return this;
    }

    @Override
    public io.vigil.api.LogPage logs(String log, boolean verbose, int offset, int limit) throws java.io.IOException {
        return logs.read(log, verbose, offset, limit);
    }

    private volatile io.vigil.support.Dumps dumps;

    /** Keeps real dumps of this fake node in {@code dir} (no dumps, and a refusal, without this). */
    public FakeNode withDumps(java.nio.file.Path dir) {
        this.dumps = new io.vigil.support.Dumps(dir, this, "cluster:\n  key: <redacted>\n", dir.resolve("no-state.json"),
                s -> s, java.time.Clock.systemDefaultZone());
        return this;
    }

    @Override
    public io.vigil.api.DumpInfo dump(String reason) {
        if (dumps == null) {
            return NodeControl.super.dump(reason);
        }
        try {
            return dumps.create(reason);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public List<io.vigil.api.DumpInfo> dumps() {
        if (dumps == null) {
            return NodeControl.super.dumps();
        }
        try {
            return dumps.list();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public DaemonStatus status() {
        statusReads.incrementAndGet();
        return status;
    }

    private final java.util.concurrent.atomic.AtomicInteger statusReads = new java.util.concurrent.atomic.AtomicInteger();

    /** How often the status was read (the greeting reads it too): zero for a client refused before. */
    public int statusReads() {
        return statusReads.get();
    }

    /** A realistic snapshot of node {@code id}. */
    public static DaemonStatus status(int id, NodeState state, Colour colour, boolean witness) {
        List<String> warnings = witness ? List.of() : List.of("No witness is configured: a network split runs the "
                + "services on both nodes.");
        NodeStatus node = new NodeStatus(id, state, colour, "peer joined", 7, 6, SyncStatus.UPTODATE,
                state.runsServices() ? ServicesPhase.RUNNING : ServicesPhase.IDLE, true, true,
                state == NodeState.PRIM ? NodeState.SECOND : NodeState.PRIM, SyncStatus.UPTODATE, true, false, true,
                BootMode.KEEP, witness, false, 1, warnings, -1);
        List<ResourceStatus> resources = List.of(
                new ResourceStatus("db", "Database", Phase.RUNNING, 4242, 0, "tcp 5432 ok"),
                new ResourceStatus("mgmt", "Management server", Phase.STARTING, -1, 2, "http 503"));
        List<DaemonStatus.NetworkLink> networks = List.of(
                new DaemonStatus.NetworkLink("127.0.0.1", "127.0.0.1", 420, null));
        return new DaemonStatus(node, "host" + id, "host" + (3 - id), "demo", "0.1.0", 3_723_000, resources,
                networks, Map.of("bad-mac", 3L), "internal", List.of(new io.vigil.dirsync.DirectoryStatus("certs", "/etc/vms/certs",
                        io.vigil.core.SyncStatus.NOT_UPTODATE, "transferring 1/2 changed files", 0, 40, 400, 1000,
                        1500, 5000, 0)), null);
    }
}
