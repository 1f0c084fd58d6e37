package io.vigil.daemon;

import io.vigil.witness.LeaseSource;
import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.SyncStatus;
import io.vigil.heartbeat.UdpHeartbeatTransport;
import io.vigil.log.ModuleLog;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Carries out the state machine's effects on the node's {@link EffectWorld}: the only effect
 * interpreter, run by the daemon on real sockets, processes and files, and by the simulator on
 * simulated ones. Runs on the event loop thread; anything slow (starting and stopping processes)
 * runs asynchronously and reports back as an event.
 */
public final class EffectRunner {
    /** The database's name as a resource: its failures and restarts go through the core. */
    public static final String DATABASE = "database";

    private final EffectWorld.Loop loop;
    private final UdpHeartbeatTransport heartbeats;
    private final EffectWorld.Services resources;
    private final EffectWorld.Storage store;
    private final EffectWorld.Log log;
    private final EffectWorld.WatchdogTimer watchdog;
    private final LeaseSource witness;
    private final EffectWorld.Vip vip;
    private final EffectWorld.Database database;
    private final LongSupplier monotonicMs;
    /** Completes when the database accepts writes: the services start only after it (SPEC §3). */
    private CompletableFuture<Void> databaseReady = CompletableFuture.completedFuture(null);

    public EffectRunner(EffectWorld world) {
        this.loop = world.loop();
        this.heartbeats = world.heartbeats();
        this.resources = world.services();
        this.store = world.storage();
        this.log = world.log();
        this.watchdog = world.watchdog();
        this.witness = world.lease();
        this.vip = world.vip();
        this.database = world.database();
        this.monotonicMs = world.monotonicMs();
    }

    /** Carries out one effect; the event loop hands it each effect of a step, in order. */
    public void run(Effect effect) {
        if (effect instanceof Effect.SendHeartbeat s) {
            heartbeats.send(s.heartbeat());
        } else if (effect instanceof Effect.StartServices s) {
            log.application("vigil", "starting the services (epoch " + s.epoch() + ")");
            databaseReady.whenComplete((ready, dbFailure) -> {
                if (dbFailure != null) {
                    Throwable root = root(dbFailure);
                    // The whole story (command, output, what to do) for the module log; one line for
                    // the state machine, whose alarm and status an operator reads first (issue 16).
                    log.error("the database did not start: " + root.getMessage());
                    String line = root instanceof io.vigil.replication.PgException pg ? pg.summary() : root.getMessage();
                    loop.enqueue(new Event.ServicesStarted(false, "database: " + line));
                    return;
                }
                if (!vipUp()) {
                    return;
                }
                resources.startAll().whenComplete((r, ex) -> loop.enqueue(ex != null
                        ? new Event.ServicesStarted(false, ex.toString())
                        : new Event.ServicesStarted(r.ok(), r.detail())));
            });
        } else if (effect instanceof Effect.StopServices s) {
            stop(s);
        } else if (effect instanceof Effect.RestartResource r) {
            log.application(r.resource(), "restarting in place");
            if (database != null && DATABASE.equals(r.resource())) {
                database.restartPrimary().thenRun(() -> loop.enqueue(new Event.ResourceRecovered(DATABASE)));
                return;
            }
            resources.restart(r.resource()).thenAccept(ok -> {
                if (ok) {
                    loop.enqueue(new Event.ResourceRecovered(r.resource()));
                }
            });
        } else if (effect instanceof Effect.ReplicationRole r) {
            loop.followDirectories(r.role());
            replication(r);
        } else if (effect instanceof Effect.SetCheckers c) {
            resources.setCheckersRunning(c.running());
        } else if (effect instanceof Effect.Persist p) {
            persist(p);
        } else if (effect instanceof Effect.Log l) {
            log(l);
        } else if (effect instanceof Effect.Alarm a) {
            log.decision(ModuleLog.Level.E, "ALARM " + a.code() + ": " + a.message());
        } else if (effect instanceof Effect.FailoverPerformed f) {
            log.decision(ModuleLog.Level.I, "FAILOVER " + f.reason() + " (peer silent for " + f.detectMs()
                    + " ms before the decision)");
        } else if (effect instanceof Effect.Reply r) {
            loop.replied(r);
        } else if (effect instanceof Effect.ArmWatchdog w) {
            watchdog.arm(w.deadlineMs());
            log.log(ModuleLog.Level.D, w.deadlineMs() < 0 ? "watchdog disarmed"
                    : "watchdog armed: kills the services in " + (w.deadlineMs() - monotonicMs.getAsLong()) + " ms unless re-armed");
        } else if (effect instanceof Effect.RequestLease r) {
            if (witness != null) {
                witness.request(r);
            }
        } else if (effect instanceof Effect.ReleaseLease) {
            if (witness != null) {
                witness.release();
            }
        } else if (effect instanceof Effect.StateChanged) {
            return; // logged by the core; events to the VMS come with the event server

        } else {
            throw new IllegalStateException("unhandled effect " + effect);
        }
    }

    private void stop(Effect.StopServices s) {
        log.application("vigil", (s.immediate() ? "killing" : "stopping") + " the services: " + s.reason());
        if (s.immediate()) {
            resources.killAll();
            vipDown();
            stopDatabase(true).whenComplete((v, ex) -> loop.enqueue(new Event.ServicesStopped("killed: " + s.reason())));
            return;
        }
        resources.stopAll(s.reason()).whenComplete((v, ex) -> {
            if (ex != null) {
                log.application("vigil", "graceful stop failed (" + ex + "): killing the services");
                resources.killAll();
            }
            vipDown(); // the address goes after the services, as it came before them
            // The database last: the services may flush to it while they stop.
            stopDatabase(false).whenComplete((d, dbEx) -> loop.enqueue(new Event.ServicesStopped(s.reason())));
        });
    }

    private CompletableFuture<Void> stopDatabase(boolean immediate) {
        databaseReady = CompletableFuture.completedFuture(null);
        return database == null ? CompletableFuture.completedFuture(null) : database.stopPrimary(immediate);
    }

    /**
     * The database follows the node's role. Without an internal database (none, or an external
     * one nobody replicates) a standby has nothing to copy: it is up to date as soon as it
     * follows the peer.
     */
    private void replication(Effect.ReplicationRole r) {
        switch (r.role()) {
            case PRIMARY -> {
                if (database != null) {
                    databaseReady = database.primary(r.synchronous());
                }
            }
            case STANDBY -> {
                // Ready for the next takeover; activated by StartServices, after fencing and promotion.
                resources.prepareStandby();
                if (database != null) {
                    database.follow();
                } else {
                    loop.databaseSynced(SyncStatus.UPTODATE);
                }
            }
            case NONE -> {
                if (database != null) {
                    database.none();
                }
            }
        }
    }

    private static Throwable root(Throwable t) {
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t;
    }

    /** The virtual IP comes up before the services (SPEC §4: a resource like the others). */
    private boolean vipUp() {
        if (vip == null) {
            return true;
        }
        try {
            vip.up();
            return true;
        } catch (IOException ex) {
            log.error("cannot take the virtual IP: " + ex.getMessage());
            loop.enqueue(new Event.ServicesStarted(false, "virtual IP: " + ex.getMessage()));
            return false;
        }
    }

    private void vipDown() {
        if (vip == null) {
            return;
        }
        try {
            vip.down();
        } catch (IOException ex) {
            log.error("cannot remove the virtual IP: " + ex.getMessage() + " (remove it by hand before the other node takes it)");
        }
    }

    private void persist(Effect.Persist p) {
        try {
            store.save(p.state());
        } catch (IOException e) {
            log.error("cannot save the node state to " + store.where() + ": " + e.getMessage()
                    + " (boot behaviour and epochs may be lost on restart; check the disk)");
        }
    }

    /** State changes ("state=A->B reason=...") and the boot line also go to the decisions log. */
    private void log(Effect.Log l) {
        ModuleLog.Level level = switch (l.level()) {
            case ERROR -> ModuleLog.Level.E;
            case INFO -> ModuleLog.Level.I;
            case DEBUG -> ModuleLog.Level.D;
        };
        if (l.message().startsWith("state=") || l.message().startsWith("boot ")) {
            log.decision(level, l.message());
        } else {
            log.log(level, l.message());
        }
    }
}
