package io.vigil.admin;

import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;
import io.vigil.api.LogPage;
import io.vigil.api.NodeControl;
import io.vigil.core.Command;
import io.vigil.replication.ResyncEstimate;

import java.util.concurrent.CompletableFuture;

/**
 * The peer node as the local CLI sees it through its own node (issue 12): the local node relays
 * {@code --cluster} / {@code --node} requests over the TLS admin channel, so only the daemon holds
 * the keys and the CLI never reads one. A failure to reach the peer becomes {@link Unavailable},
 * which the local channel answers with the client's own message and kind.
 */
final class PeerControl implements NodeControl {
    private final AdminClient client;

    PeerControl(AdminClient client) {
        this.client = client;
    }

    @Override
    public CompletableFuture<CommandResult> submit(Command command, String who) {
        io.vigil.core.Action a = io.vigil.core.Action.of(command);
        try {
            String arg = a.arg() == null || a.arg().isEmpty() ? null : a.arg();
            return CompletableFuture.completedFuture(client.command(a.word(), arg, who));
        } catch (AdminException e) {
            return CompletableFuture.failedFuture(new Unavailable(e));
        }
    }

    @Override
    public DaemonStatus status() {
        try {
            return client.status();
        } catch (AdminException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public LogPage logs(String log, boolean verbose, int offset, int limit) {
        try {
            return client.logs(log, verbose, offset, limit);
        } catch (AdminException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public ResyncEstimate estimate() {
        try {
            return client.estimate();
        } catch (AdminException e) {
            throw new Unavailable(e);
        }
    }

    @Override
    public io.vigil.api.DumpInfo dump(String reason) {
        try {
            return client.dump(reason);
        } catch (AdminException e) {
            throw refusedOrUnavailable(e);
        }
    }

    @Override
    public java.util.List<io.vigil.api.DumpInfo> dumps() {
        try {
            return client.dumps();
        } catch (AdminException e) {
            throw refusedOrUnavailable(e);
        }
    }

    /** A refusal stays a refusal (with the peer's reason) across the relay; anything else is "unavailable". */
    private static RuntimeException refusedOrUnavailable(AdminException e) {
        return e.kind() == AdminException.Kind.REFUSED ? new IllegalStateException(e.getMessage(), e) : new Unavailable(e);
    }

    /** The peer did not answer; carries the client's message and kind across the local channel. */
    static final class Unavailable extends RuntimeException {
        private final AdminException.Kind kind;

        Unavailable(AdminException e) {
            super(e.getMessage(), e, false, false);
            this.kind = e.kind();
        }

        /** The answer's "code", from which {@link AdminClient} restores the kind. */
        String code() {
            return "peer-" + kind.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
