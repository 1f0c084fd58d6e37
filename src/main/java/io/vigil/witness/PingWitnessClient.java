package io.vigil.witness;

import io.vigil.core.Effect;
import io.vigil.core.Event;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A ping target (typically the gateway) as the witness, for sites without a third machine: the
 * lease is granted while the target answers an ICMP echo, and fed to the core exactly as
 * {@link WitnessClient} feeds a `vigil witness`'s answers.
 *
 * <p><b>Weaker guarantee.</b> A ping target cannot refuse the lease to one node because the other
 * holds it. It keeps an <i>isolated</i> node (cut from its peer and from the gateway, or paused)
 * from running the services: that node loses its lease and fences itself, and the other node
 * takes over only after the isolated node's last lease has run out. It does <i>not</i> prevent a
 * split of the heartbeat links alone: if both nodes still reach the gateway but not each other,
 * both hold a "lease" and both run the services. Several heartbeat networks make that split less
 * likely; only a `vigil witness` on a third machine rules it out. The target also keeps no epochs,
 * so a node that was down while its peer ran alone cannot learn from it that its data is stale.
 *
 * <p>Exclusivity is imitated in time: an acquiring node is granted the lease only once it has
 * been asking for {@code leaseMs} without a break. The peer's last lease was requested before this
 * node noticed it was gone, so by then it has expired and the peer has fenced itself, which is
 * what a `vigil witness` would have waited for too.
 *
 * <p>The probe is the {@code ping} binary (iputils): it really sends ICMP echo as root or with
 * the ping group range, whereas {@code InetAddress.isReachable} silently falls back to a TCP
 * connect to port 7 without privileges, which a gateway usually refuses or drops.
 */
public final class PingWitnessClient implements LeaseSource {

    /** One reachability probe: true if the target answered within {@code timeoutMs}. */
    interface Pinger {
        boolean answers(String target, long timeoutMs) throws IOException, InterruptedException;
    }

    private final int node;
    private final String target;
    private final long intervalMs;
    private final long timeoutMs;
    private final long leaseMs;
    private final Pinger pinger;
    private final ExecutorService probes;
    private final Consumer<Event> events;
    private final Consumer<String> log;
    private long acquiringSince = -1;
    private long lastAcquireAt = -1;
    private boolean waitLogged;
    private volatile Boolean lastAnswered;

    PingWitnessClient(int node, String target, long intervalMs, long leaseMs, Pinger pinger, ExecutorService probes,
                      Consumer<Event> events, Consumer<String> log) {
        this.node = node;
        this.target = target;
        this.intervalMs = intervalMs;
        this.timeoutMs = Math.max(100, intervalMs - 100); // answer before the core asks again
        this.leaseMs = leaseMs;
        this.pinger = pinger;
        this.probes = probes;
        this.events = events;
        this.log = log;
    }

    /** The daemon's client: real ICMP through the {@code ping} binary, probes on their own threads. */
    public static PingWitnessClient start(int node, String target, long intervalMs, long leaseMs, Consumer<Event> events,
                                   Consumer<String> log) {
        log.accept("witness: ping target " + target + " (weaker than a `vigil witness`: it does not prevent both"
                + " nodes running the services when only the heartbeat links are cut)");
        return new PingWitnessClient(node, target, intervalMs, leaseMs, PingWitnessClient::icmp,
                Executors.newCachedThreadPool(r -> daemonThread(r, "vigil-ping-witness")), events, log);
    }

    @Override
    public void request(Effect.RequestLease r) {
        boolean mayGrant = true;
        if (r.acquire()) {
            // A break longer than the core's retry period means the node left the takeover (it heard
            // its peer, or was paused): a new takeover waits the whole lease time again.
            if (acquiringSince < 0 || r.requestedAtMs() - lastAcquireAt > intervalMs + intervalMs / 2) {
                acquiringSince = r.requestedAtMs();
                waitLogged = false;
            }
            lastAcquireAt = r.requestedAtMs();
            mayGrant = r.requestedAtMs() - acquiringSince >= leaseMs;
        } else {
            acquiringSince = -1;
        }
        long waitMs = mayGrant ? 0 : leaseMs - (r.requestedAtMs() - acquiringSince);
        if (!mayGrant && !waitLogged) {
            waitLogged = true;
            log.accept("ping witness: node" + (3 - node) + " may still hold its lease; taking over in " + waitMs
                    + " ms if " + target + " keeps answering");
        }
        boolean grant = mayGrant;
        probes.execute(() -> probe(r, grant));
    }

    private void probe(Effect.RequestLease r, boolean grant) {
        boolean answered;
        try {
            answered = pinger.answers(target, timeoutMs);
        } catch (IOException e) {
            log.accept("ping witness: cannot run ping (" + e.getMessage() + "); install iputils-ping");
            answered = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!Boolean.valueOf(answered).equals(lastAnswered)) {
            lastAnswered = answered;
            log.accept("ping witness " + target + (answered ? " answers" : " does not answer"));
        }
        if (!answered) {
            events.accept(new Event.LeaseUnreachable(r.requestedAtMs()));
        } else if (grant) {
            // The target keeps no epochs: echo the requested one as the highest, i.e. "nobody newer".
            events.accept(new Event.LeaseReply(r.requestedAtMs(), true, leaseMs, r.epoch(), r.epoch(), node));
        } else {
            events.accept(new Event.LeaseReply(r.requestedAtMs(), false, 0, r.epoch(), r.epoch(), 3 - node));
        }
    }

    @Override
    public void release() {
        acquiringSince = -1;
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }

    /** One ICMP echo with iputils' ping; exit 0 means a reply came back in time. */
    static boolean icmp(String target, long timeoutMs) throws IOException, InterruptedException {
        String seconds = String.format(Locale.ROOT, "%.1f", Math.max(100, timeoutMs) / 1000.0);
        Process p = new ProcessBuilder(List.of("ping", "-n", "-q", "-c", "1", "-W", seconds, target))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(timeoutMs + 1000, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    /** A daemon thread: the node's JVM must be able to exit while it waits. */
    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
