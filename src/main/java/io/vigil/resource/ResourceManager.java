package io.vigil.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the protected services of this node (SPEC §2): start in dependency order, stop in
 * reverse, restart one in place, kill everything for fencing.
 *
 * <p>Start, stop and restart run one at a time on an internal thread, so a stop requested
 * during a start begins once that start has finished or failed; the returned futures complete
 * there. {@link #killAll()} does not queue: fencing must not wait behind a 30 s start.
 * Listener calls come from checker and process-exit threads; the caller is expected to
 * enqueue them into its own event loop.
 */
public final class ResourceManager implements AutoCloseable {

    /** Unplanned transitions of a running resource. */
    public interface Listener {
        void resourceFailed(String name, String detail);

        void resourceRecovered(String name);
    }

    private static final Logger log = LoggerFactory.getLogger(ResourceManager.class);

    private final Map<String, ManagedResource> resources = new LinkedHashMap<>();
    private final List<ManagedResource> startOrder = new ArrayList<>();
    private final BiConsumer<String, String> appLog;
    private final ExecutorService operations = Executors.newSingleThreadExecutor(daemon("vigil-resources"));
    private final ScheduledExecutorService checkerScheduler =
            Executors.newScheduledThreadPool(2, daemon("vigil-checker"));
    /** Bumped by killAll so that a start in progress does not spawn the next resource. */
    private final AtomicLong killEpoch = new AtomicLong();

    /**
     * @param appLog receives every output line of the resources and their stop commands, and
     *               life-cycle lines; called from many threads, so it must be thread-safe
     * @throws IllegalArgumentException on a duplicate name, unknown dependency or cycle
     */
    public ResourceManager(List<ResourceSpec> specs, BiConsumer<String, String> appLog, Listener listener) {
        this.appLog = Objects.requireNonNull(appLog, "appLog");
        Objects.requireNonNull(listener, "listener");
        for (ResourceSpec spec : DependencyGraph.startOrder(specs)) {
            ManagedResource resource = new ManagedResource(spec, appLog, listener, checkerScheduler);
            resources.put(spec.name(), resource);
            startOrder.add(resource);
        }
    }

    /** Checks names and dependencies without starting anything (for configuration validation). */
    public static void validate(List<ResourceSpec> specs) {
        DependencyGraph.startOrder(specs);
    }

    /**
     * Starts every resource that is not running, dependencies first, each only once the ones it
     * depends on are ready. On the first failure the resources started by this call are stopped
     * again, in reverse order, and the result names the resource and why it failed.
     */
    public CompletableFuture<StartResult> startAll() {
        return submit(() -> {
            long epoch = killEpoch.get();
            List<ManagedResource> started = new ArrayList<>();
            for (ManagedResource resource : startOrder) {
                boolean wasRunning = resource.live();
                String why = killEpoch.get() != epoch
                        ? "start of '" + resource.spec.name() + "' cancelled: resources were killed"
                        : resource.start(() -> killEpoch.get() != epoch);
                if (why != null) {
                    log.error("start failed: {}", why);
                    appLog.accept(resource.spec.name(), why);
                    stopInReverse(started, "start of " + resource.spec.name() + " failed");
                    return StartResult.failed(why);
                }
                if (!wasRunning) {
                    started.add(resource);
                }
            }
            return StartResult.started();
        });
    }

    /** Stops every resource, dependents first. Stopping a stopped resource succeeds. */
    public CompletableFuture<Void> stopAll(String reason) {
        return submit(() -> {
            stopInReverse(startOrder, reason);
            return null;
        });
    }

    /**
     * Stops one resource and, first, every resource that depends on it (directly or not), as an
     * operator-side stop: nothing is reported as failed, nothing restarts it. {@link #startAll()}
     * (the next start or restart of the node's services) starts them again. Completes with the
     * names stopped, in stop order.
     */
    public CompletableFuture<List<String>> stopWithDependents(String name, String reason) {
        ManagedResource resource = resources.get(name);
        if (resource == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown resource '" + name + "'"));
        }
        return submit(() -> {
            List<ManagedResource> affected = new ArrayList<>();
            java.util.Set<String> names = new java.util.HashSet<>(List.of(name));
            for (ManagedResource r : startOrder) { // dependencies come before their dependents
                if (r == resource || r.spec.dependsOn().stream().anyMatch(names::contains)) {
                    names.add(r.spec.name());
                    affected.add(r);
                }
            }
            stopInReverse(affected, reason);
            List<String> stopped = new ArrayList<>();
            for (int i = affected.size() - 1; i >= 0; i--) {
                stopped.add(affected.get(i).spec.name());
            }
            return stopped;
        });
    }

    /**
     * Stops then starts one resource in place (local restart before failover, SPEC §2); the
     * resources depending on it are left running. Completes true if it became ready.
     */
    public CompletableFuture<Boolean> restart(String name) {
        ManagedResource resource = resources.get(name);
        if (resource == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown resource '" + name + "'"));
        }
        return submit(() -> {
            resource.stop("restart");
            resource.countRestart();
            String why = resource.start(() -> false);
            if (why != null) {
                appLog.accept(name, why);
            }
            return why == null;
        });
    }

    /**
     * SIGKILL to every resource's process tree, now, without stop commands (fencing, SPEC §4).
     * Returns once the processes are gone. A start in progress fails instead of going on.
     */
    public void killAll() {
        killEpoch.incrementAndGet();
        for (int i = startOrder.size() - 1; i >= 0; i--) {
            startOrder.get(i).kill("killAll");
            startOrder.get(i).killStandby();
        }
    }

    /**
     * Spawns the warm standby of every resource that has one and does not run (issue 13; see
     * {@link ResourceSpec#warmStandby()}); the node calls it when it becomes SECOND. The next
     * {@link #startAll()} activates them instead of spawning; {@link #killAll()} kills them.
     * Queued like a start, so it never races one.
     */
    public CompletableFuture<Void> prepareStandby() {
        return submit(() -> {
            startOrder.forEach(ManagedResource::prepareStandby);
            return null;
        });
    }

    /** Admin "start/stop all checkers" (SPEC §2). Process exits are still detected. */
    public void setCheckersRunning(boolean running) {
        startOrder.forEach(r -> r.setCheckersRunning(running));
    }

    /** One snapshot per resource, in start order. */
    public List<ResourceStatus> status() {
        return startOrder.stream().map(ManagedResource::status).toList();
    }

    @Override
    public void close() {
        killAll();
        operations.shutdownNow();
        checkerScheduler.shutdownNow();
    }

    private void stopInReverse(List<ManagedResource> list, String reason) throws InterruptedException {
        for (int i = list.size() - 1; i >= 0; i--) {
            list.get(i).stop(reason);
        }
    }

    private <T> CompletableFuture<T> submit(Callable<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            operations.execute(() -> {
                try {
                    future.complete(work.call());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    future.completeExceptionally(e);
                } catch (Exception | Error e) {
                    log.error("resource operation failed", e);
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new IllegalStateException("resource manager is closed", e));
        }
        return future;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
