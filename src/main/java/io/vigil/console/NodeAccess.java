package io.vigil.console;

import io.vigil.admin.AdminClient;
import io.vigil.admin.AdminException;
import io.vigil.api.CommandResult;
import io.vigil.api.DaemonStatus;
import io.vigil.api.LogPage;
import io.vigil.api.NodeControl;
import io.vigil.core.Action;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node of the cluster as the console reaches it: this node through {@link NodeControl}, the
 * peer through its admin channel. Failures surface as {@link NodeUnavailable} with a message for
 * the operator.
 */
interface NodeAccess {

    int id();

    boolean local();

    DaemonStatus status() throws NodeUnavailable;

    LogPage logs(String log, boolean verbose, int offset, int limit) throws NodeUnavailable;

    /** @param word one of {@link Action#words()}; {@code arg} as the CLI takes it, or null */
    CommandResult command(String word, String arg, String who) throws NodeUnavailable;

    /**
     * Expert "estimate data sync" (SPEC §2).
     *
     * @throws IllegalStateException when the node cannot measure it, with its reason
     */
    io.vigil.replication.ResyncEstimate estimate() throws NodeUnavailable;

    /**
     * Support "dump" (SPEC §2).
     *
     * @param who the operator, for the dump's reason
     * @throws IllegalStateException when the node could not write it, with its reason
     */
    io.vigil.api.DumpInfo dump(String who) throws NodeUnavailable;

    /** The dumps the node keeps, oldest first. */
    java.util.List<io.vigil.api.DumpInfo> dumps() throws NodeUnavailable;

    /** The node could not be reached or could not answer; the message says why and what to check. */
    final class NodeUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        NodeUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** This node, in-process. */
    record Local(NodeControl control, int id, long commandTimeoutMs) implements NodeAccess {
        @Override
        public boolean local() {
            return true;
        }

        @Override
        public DaemonStatus status() {
            return control.status();
        }

        @Override
        public LogPage logs(String log, boolean verbose, int offset, int limit) throws NodeUnavailable {
            try {
                return control.logs(log, verbose, offset, limit);
            } catch (IOException e) {
                throw new NodeUnavailable("cannot read the " + log + " log of node" + id + ": " + e.getMessage(), e);
            }
        }

        @Override
        public CommandResult command(String word, String arg, String who) throws NodeUnavailable {
            try {
                return control.submit(Action.parse(word, arg).command(), who)
                        .get(commandTimeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new NodeUnavailable("node" + id + " did not decide on \"" + word + "\" within "
                        + commandTimeoutMs / 1000 + " s; check its module log", e);
            } catch (ExecutionException e) {
                throw new NodeUnavailable("node" + id + " failed while handling \"" + word + "\": " + e.getCause(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NodeUnavailable("the console is shutting down", e);
            }
        }

        @Override
        public io.vigil.replication.ResyncEstimate estimate() {
            return control.estimate();
        }

        @Override
        public io.vigil.api.DumpInfo dump(String who) {
            return control.dump("operator " + who);
        }

        @Override
        public java.util.List<io.vigil.api.DumpInfo> dumps() {
            return control.dumps();
        }
    }

    /** The peer node, through its admin channel (peer.adminAddress / peer.adminPort). */
    record Peer(AdminClient client, int id) implements NodeAccess {
        @Override
        public boolean local() {
            return false;
        }

        @Override
        public DaemonStatus status() throws NodeUnavailable {
            try {
                return client.status();
            } catch (AdminException e) {
                throw new NodeUnavailable(e.getMessage(), e);
            }
        }

        @Override
        public LogPage logs(String log, boolean verbose, int offset, int limit) throws NodeUnavailable {
            try {
                return client.logs(log, verbose, offset, limit);
            } catch (AdminException e) {
                throw new NodeUnavailable(e.getMessage(), e);
            }
        }

        @Override
        public CommandResult command(String word, String arg, String who) throws NodeUnavailable {
            try {
                return client.command(word, arg, who);
            } catch (AdminException e) {
                throw new NodeUnavailable(e.getMessage(), e);
            }
        }

        @Override
        public io.vigil.replication.ResyncEstimate estimate() throws NodeUnavailable {
            return ask(client::estimate);
        }

        @Override
        public io.vigil.api.DumpInfo dump(String who) throws NodeUnavailable {
            return ask(() -> client.dump(who));
        }

        @Override
        public java.util.List<io.vigil.api.DumpInfo> dumps() throws NodeUnavailable {
            return ask(client::dumps);
        }

        /** A refusal keeps its reason (IllegalStateException); anything else means the peer did not answer. */
        private static <T> T ask(Question<T> q) throws NodeUnavailable {
            try {
                return q.ask();
            } catch (AdminException e) {
                if (e.kind() == AdminException.Kind.REFUSED) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                throw new NodeUnavailable(e.getMessage(), e);
            }
        }

        @FunctionalInterface
        private interface Question<T> {
            T ask() throws AdminException;
        }
    }
}
