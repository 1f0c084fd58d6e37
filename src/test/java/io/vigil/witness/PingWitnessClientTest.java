package io.vigil.witness;

import io.vigil.core.Effect;
import io.vigil.core.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The ping witness's policy with a scripted probe run on the caller's thread. */
class PingWitnessClientTest {
    private static final long INTERVAL = 1000;
    private static final long LEASE = 3000;

    private final List<Event> events = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private boolean answers = true;
    private final PingWitnessClient client = new PingWitnessClient(2, "10.0.0.254", INTERVAL, LEASE,
            (target, timeoutMs) -> answers, new Inline(), events::add, log::add);

    @Test
    void aRenewalIsGrantedForTheLeaseTimeWhileTheTargetAnswers() {
        client.request(new Effect.RequestLease(100, 7, false));
        assertThat(events).containsExactly(new Event.LeaseReply(100, true, LEASE, 7, 7, 2));
    }

    @Test
    void aSilentTargetIsAnUnreachableWitness() {
        answers = false;
        client.request(new Effect.RequestLease(100, 7, false));
        client.request(new Effect.RequestLease(1100, 7, false));
        assertThat(events).containsExactly(new Event.LeaseUnreachable(100), new Event.LeaseUnreachable(1100));
        assertThat(log).containsOnlyOnce("ping witness 10.0.0.254 does not answer");
    }

    @Test
    void aTakeoverIsGrantedOnlyAfterAskingForAWholeLeaseTime() {
        for (long t = 0; t < LEASE; t += 500) {
            client.request(new Effect.RequestLease(t, 8, true));
        }
        assertThat(events).allMatch(e -> e instanceof Event.LeaseReply r && !r.granted() && r.holder() == 1);
        events.clear();
        client.request(new Effect.RequestLease(LEASE, 8, true));
        assertThat(events).containsExactly(new Event.LeaseReply(LEASE, true, LEASE, 8, 8, 2));
        assertThat(log).anyMatch(l -> l.contains("node1 may still hold its lease; taking over in 3000 ms"));
    }

    @Test
    void aTargetThatStopsAnsweringDuringTheWaitIsUnreachableNotGranted() {
        client.request(new Effect.RequestLease(0, 8, true));
        answers = false;
        client.request(new Effect.RequestLease(LEASE + 1000 - 1600, 8, true));
        client.request(new Effect.RequestLease(LEASE, 8, true));
        assertThat(events.get(events.size() - 1)).isEqualTo(new Event.LeaseUnreachable(LEASE));
    }

    @Test
    void aBreakInTheTakeoverStartsTheWaitAgain() {
        client.request(new Effect.RequestLease(0, 8, true));
        client.request(new Effect.RequestLease(1000, 8, true));
        // The node heard its peer again, then lost it: no acquire for longer than the retry period.
        for (long t = 5000; t < 5000 + LEASE; t += 500) {
            client.request(new Effect.RequestLease(t, 8, true));
        }
        assertThat(events).allMatch(e -> e instanceof Event.LeaseReply r && !r.granted());
        client.request(new Effect.RequestLease(5000 + LEASE, 8, true));
        assertThat(events.get(events.size() - 1)).isEqualTo(new Event.LeaseReply(5000 + LEASE, true, LEASE, 8, 8, 2));
    }

    @Test
    void aRenewalOrAReleaseEndsTheTakeover() {
        client.request(new Effect.RequestLease(0, 8, true));
        client.request(new Effect.RequestLease(500, 8, false));
        client.request(new Effect.RequestLease(1000, 8, true));
        client.release();
        for (long t = 1500; t < 1500 + LEASE; t += 500) {
            client.request(new Effect.RequestLease(t, 8, true));
        }
        assertThat(events.get(events.size() - 1)).matches(e -> e instanceof Event.LeaseReply r && !r.granted());
    }

    @Test
    void theRealProbeSendsIcmpWithIputilsPing() throws Exception {
        boolean ping = new ProcessBuilder("sh", "-c", "command -v ping").start().waitFor() == 0;
        if (!ping) {
            System.err.println("SKIPPED theRealProbeSendsIcmpWithIputilsPing: no ping binary (scripts/setup.sh installs"
                    + " iputils-ping)");
        }
        assumeTrue(ping, "ping (iputils-ping) not installed");
        assertThat(PingWitnessClient.icmp("127.0.0.1", 900)).isTrue();
        // That it reports a silent target is shown in namespaces (NetnsPingWitnessTest), where nothing
        // outside the lab can answer on the target's behalf.
    }

    /** Runs each probe at once on the caller's thread, so the events are in order. */
    private static final class Inline extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
