package io.vigil.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.admin.FakeNode;
import io.vigil.api.DumpInfo;
import io.vigil.core.Effect;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dumps a node makes by itself: at a failover and at a fatal error, spaced out, off the caller's thread. */
class AutoDumpTest {
    @TempDir
    Path tmp;
    final AtomicLong nowMs = new AtomicLong(1_000_000);
    final List<String> info = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();

    @Test
    void aFailoverAndAFatalErrorEachGetOneDumpAndRepeatsWithinTheirGapDoNot() throws Exception {
        Dumps dumps = new Dumps(tmp.resolve("support"), FakeNode.primary(2), "x: 1\n", tmp.resolve("state.json"),
                s -> s, Clock.systemDefaultZone());
        try (AutoDump auto = new AutoDump(dumps, info::add, errors::add, nowMs::get)) {
            auto.onEffect(new Effect.StateChanged(io.vigil.core.NodeState.SECOND, io.vigil.core.NodeState.ALONE,
                    "peer lost", 8));
            auto.onEffect(new Effect.FailoverPerformed("peer lost on every network", 1500));
            auto.onEffect(new Effect.FailoverPerformed("peer lost on every network", 1500)); // same burst
            auto.fatal("internal error handling Tick: java.lang.IllegalStateException: boom");
            nowMs.addAndGet(AutoDump.ERROR_GAP_MS - 1);
            auto.fatal("internal error handling Tick: java.lang.IllegalStateException: boom");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> info.size() == 2);
            nowMs.addAndGet(1);
            auto.fatal("internal error handling Tick: again, ten minutes later");
        }
        // close() waited for the writer: everything asked is on disk now.
        assertThat(dumps.list()).extracting(DumpInfo::reason).containsExactly(
                "failover: peer lost on every network",
                "fatal error: internal error handling Tick: java.lang.IllegalStateException: boom",
                "fatal error: internal error handling Tick: again, ten minutes later");
        assertThat(info).allMatch(l -> l.startsWith("dump " + tmp.resolve("support")));
        assertThat(errors).isEmpty();
    }

    @Test
    void aDumpThatCannotBeWrittenIsLoggedWithWhatToCheck() throws Exception {
        java.nio.file.Files.writeString(tmp.resolve("support"), "a file where the folder should be");
        Dumps dumps = new Dumps(tmp.resolve("support"), FakeNode.primary(2), "x: 1\n", tmp.resolve("state.json"),
                s -> s, Clock.systemDefaultZone());
        try (AutoDump auto = new AutoDump(dumps, info::add, errors::add, nowMs::get)) {
            auto.onEffect(new Effect.FailoverPerformed("service down", 30_000));
        }
        assertThat(errors).singleElement().asString().startsWith("could not write a dump (failover: service down): ")
                .contains("check the free space and the permissions of " + tmp.resolve("support"));
    }
}
