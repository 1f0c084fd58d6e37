package io.vigil.vms.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The VMS side of a warm standby (issue 13): when a server waits, serves, or exits. */
class WarmStandbyAwaitTest {

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aServerNotStartedAsAStandbyServesAtOnceWithoutWarmingUp() throws Exception {
        AtomicInteger warmUps = new AtomicInteger();
        assertThat(WarmStandby.await("test", false, stdin(""), a -> warmUps.incrementAndGet())).isTrue();
        assertThat(warmUps).hasValue(0);
    }

    @Test
    void aStandbyServesOnlyOnItsActivationLine() throws Exception {
        CountDownLatch warmedUp = new CountDownLatch(1);
        assertThat(WarmStandby.await("test", true, stdin("hello\nactivate-not\n  activate \n"),
                a -> warmedUp.countDown())).isTrue();
        assertThat(warmedUp.await(30, TimeUnit.SECONDS)).as("it warmed up").isTrue();
    }

    @Test
    void aStandbyWhoseInputEndsDoesNotServe() throws Exception {
        assertThat(WarmStandby.await("test", true, stdin("hello\n"), a -> { })).isFalse();
        assertThat(WarmStandby.await("test", true, stdin(""), a -> { })).isFalse();
    }

    @Test
    void anActivationDuringTheWarmUpIsNotKeptWaitingAndTellsTheWarmUpToStop() throws Exception {
        PipedOutputStream node = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(node);
        CountDownLatch warming = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean sawActivation = new AtomicBoolean();
        Thread activator = new Thread(() -> {
            try {
                warming.await();
                node.write("activate\n".getBytes(StandardCharsets.UTF_8));
                node.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        activator.start();
        boolean serve = WarmStandby.await("test", true, in, activated -> {
            warming.countDown();
            try {
                release.await(30, TimeUnit.SECONDS); // a warm-up still busy when the activation comes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sawActivation.set(activated.getAsBoolean());
        });
        assertThat(serve).isTrue();
        release.countDown();
        activator.join(30_000);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilTrue(sawActivation);
    }

    @Test
    void theProtocolIsTheOneTheNodeSpeaks() {
        assertThat(WarmStandby.ENV).isEqualTo(io.vigil.resource.ResourceSpec.STANDBY_ENV);
        assertThat(WarmStandby.ACTIVATE).isEqualTo(io.vigil.resource.ResourceSpec.ACTIVATE_LINE);
    }
}
