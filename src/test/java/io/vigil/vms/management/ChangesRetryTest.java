package io.vigil.vms.management;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client whose answer was late (a failover, a slow commit) retries with the same
 * Idempotency-Key while the first attempt is still committing: the retry must wait and get the
 * first attempt's answer, and the change must run once (found by the chaos run: the retry ran
 * the change again and was refused with 409 "name already taken"). Real PostgreSQL.
 */
@Tag("postgres")
class ChangesRetryTest {

    @Test
    void aRetryDuringTheFirstAttemptsCommitGetsItsAnswerAndTheChangeRunsOnce() throws Exception {
        try (VmsFixture fx = new VmsFixture("changes_retry")) {
            fx.store.write(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE made_once (n int PRIMARY KEY)");
                }
                return null;
            });
            Changes changes = new Changes(fx.store);
            Principal admin = new Principal("admin", "administrator", true);
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch firstInside = new CountDownLatch(1);
            Store.Work<Changes.Outcome> slowChange = c -> {
                runs.incrementAndGet();
                firstInside.countDown();
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO made_once VALUES (1)");
                    st.execute("SELECT pg_sleep(1.5)"); // still committing when the retry arrives
                }
                return new Changes.Outcome(201, Map.of("n", 1), "test", "1", "made it");
            };
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Changes.Answer> first = pool.submit(() -> changes.apply(admin, "make", "key-1", slowChange));
                firstInside.await();
                Future<Changes.Answer> retry = pool.submit(() -> changes.apply(admin, "make", "key-1", slowChange));
                List<Changes.Answer> answers = List.of(first.get(), retry.get());
                assertThat(answers).extracting(Changes.Answer::status).containsOnly(201);
                assertThat(answers).extracting(Changes.Answer::json).containsOnly(answers.get(0).json());
                assertThat(answers).extracting(Changes.Answer::replayed).containsExactlyInAnyOrder(false, true);
            } finally {
                pool.shutdownNow();
            }
            assertThat(runs.get()).as("the change ran once").isEqualTo(1);
            int rows = fx.store.read(c -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM made_once")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(1);
        }
    }
}
