package io.vigil.daemon;

import io.vigil.witness.LeaseSource;
import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.PersistedState;
import io.vigil.core.SyncStatus;
import io.vigil.heartbeat.UdpHeartbeatTransport;
import io.vigil.log.ApplicationLog;
import io.vigil.log.ModuleLog;
import io.vigil.replication.DatabaseNode;
import io.vigil.resource.ResourceManager;
import io.vigil.resource.StartResult;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Everything {@link EffectRunner} acts on, one interface per kind of I/O (issue 11). {@link
 * NodeDaemon} binds them to processes, files and threads; the simulator binds them to its seeded
 * services, disk and time, so both run the same effect interpreter. Heartbeats need no interface
 * here: both run the real {@link UdpHeartbeatTransport}, the daemon on UDP sockets and the
 * simulator on its seeded network ({@link UdpHeartbeatTransport#over}), so the seam is the datagram.
 *
 * @param loop        the node's own event loop: where asynchronous results go back in
 * @param heartbeats  signs and sends a heartbeat on every network
 * @param services    the protected services
 * @param storage     the persisted node state
 * @param log         module and application logs
 * @param watchdog    the fencing watchdog's timer
 * @param lease       the witness lease client, or null without a witness
 * @param vip         the cluster address, or null without one
 * @param database    the replicated database, or null when Vigil runs none
 * @param monotonicMs the node's monotonic clock, as the core sees it
 */
public record EffectWorld(Loop loop, UdpHeartbeatTransport heartbeats, Services services, Storage storage, Log log,
                          WatchdogTimer watchdog, LeaseSource lease, Vip vip, Database database,
                          LongSupplier monotonicMs) {

    /** The node's side: results of asynchronous effects come back through it as events. */
    public interface Loop {
        void enqueue(Event e);

        /** The answer to an operator command, for the caller waiting on it. */
        void replied(Effect.Reply reply);

        /** Directory replication follows the replication role (issue 3). */
        void followDirectories(Effect.ReplicationRole.Role role);

        /** The sync status as a standby, when there is no database to report it. */
        void databaseSynced(SyncStatus status);
    }

    /** The protected services, in dependency order ({@link ResourceManager} in production). */
    public interface Services {
        CompletableFuture<StartResult> startAll();

        CompletableFuture<Void> stopAll(String reason);

        void killAll();

        /** Completes with true when the resource runs again. */
        CompletableFuture<Boolean> restart(String name);

        void setCheckersRunning(boolean running);

        /** The node follows its peer: spawn the resources' warm standbys (issue 13); none by default. */
        default void prepareStandby() {
        }

        static Services of(ResourceManager r) {
            return new Services() {
                @Override
                public CompletableFuture<StartResult> startAll() {
                    return r.startAll();
                }

                @Override
                public CompletableFuture<Void> stopAll(String reason) {
                    return r.stopAll(reason);
                }

                @Override
                public void killAll() {
                    r.killAll();
                }

                @Override
                public CompletableFuture<Boolean> restart(String name) {
                    return r.restart(name);
                }

                @Override
                public void setCheckersRunning(boolean running) {
                    r.setCheckersRunning(running);
                }

                @Override
                public void prepareStandby() {
                    r.prepareStandby();
                }
            };
        }
    }

    /** Where the node state is saved ({@link StateStore} in production). */
    public interface Storage {
        /** Returns once the state survives a power cut. */
        void save(PersistedState state) throws IOException;

        /** Names the place in error messages (the file). */
        String where();
    }

    /** The node's logs: decisions and module lines, and the application log of the services. */
    public interface Log {
        void decision(ModuleLog.Level level, String message);

        void log(ModuleLog.Level level, String message);

        void application(String resource, String line);

        default void error(String message) {
            log(ModuleLog.Level.E, message);
        }

        static Log of(ModuleLog module, ApplicationLog app) {
            return new Log() {
                @Override
                public void decision(ModuleLog.Level level, String message) {
                    module.decision(level, message);
                }

                @Override
                public void log(ModuleLog.Level level, String message) {
                    module.log(level, message);
                }

                @Override
                public void application(String resource, String line) {
                    app.line(resource, line);
                }
            };
        }
    }

    /** The fencing watchdog ({@link Watchdog} in production): kills the services unless re-armed. */
    @FunctionalInterface
    public interface WatchdogTimer {
        /** Kill the services at {@code deadlineMs} (monotonic ms) unless re-armed; negative disarms. */
        void arm(long deadlineMs);
    }

    /** The cluster address ({@link io.vigil.vip.VirtualIp} in production). */
    public interface Vip {
        void up() throws IOException;

        void down() throws IOException;

        static Vip of(io.vigil.vip.VirtualIp vip) {
            return new Vip() {
                @Override
                public void up() throws IOException {
                    vip.up();
                }

                @Override
                public void down() throws IOException {
                    vip.down();
                }
            };
        }
    }

    /** The replicated database ({@link DatabaseNode} in production). */
    public interface Database {
        /** Completes when the database accepts writes. */
        CompletableFuture<Void> primary(boolean synchronous);

        CompletableFuture<Void> stopPrimary(boolean immediate);

        CompletableFuture<Void> restartPrimary();

        void follow();

        void none();

        static Database of(DatabaseNode db) {
            return new Database() {
                @Override
                public CompletableFuture<Void> primary(boolean synchronous) {
                    return db.primary(synchronous);
                }

                @Override
                public CompletableFuture<Void> stopPrimary(boolean immediate) {
                    return db.stopPrimary(immediate);
                }

                @Override
                public CompletableFuture<Void> restartPrimary() {
                    return db.restartPrimary();
                }

                @Override
                public void follow() {
                    db.follow();
                }

                @Override
                public void none() {
                    db.none();
                }
            };
        }
    }
}
