package io.vigil.daemon;

import io.vigil.core.Command;
import io.vigil.core.CoreConfig;
import io.vigil.core.Effect;
import io.vigil.core.Event;
import io.vigil.core.Node;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The loop the daemon runs on its thread and the simulator drains from its scheduler. */
class EventLoopTest {
    private final Node node = new Node(CoreConfig.defaults(1, false), () -> 1_000L, 7L);

    @Test
    void anEventThatAnEffectEnqueuesWaitsUntilEveryEffectOfTheCurrentStepHasRun() {
        List<String> seen = new ArrayList<>();
        EventLoop[] loop = new EventLoop[1];
        loop[0] = new EventLoop(node, effect -> {
            if (seen.isEmpty()) {
                // Like a service stop that completes at once: its report must not re-enter this step.
                loop[0].enqueue(new Event.OperatorCommand(1, new Command.Stop(), "test"));
            }
            seen.add(effect.getClass().getSimpleName());
        }, () -> { }, (e, ex) -> { throw ex; });
        loop[0].enqueue(new Event.Boot(null));

        assertThat(loop[0].runPending()).as("the boot and the command it caused").isEqualTo(2);
        int reply = seen.indexOf("Reply");
        assertThat(reply).as("the command was answered").isPositive();
        assertThat(seen.subList(0, reply)).as("the boot's effects, all before the command's")
                .doesNotContain("Reply").contains("Log");
    }

    @Test
    void aStepThatThrowsIsReportedAndTheNextEventStillRuns() {
        List<Event> failed = new ArrayList<>();
        List<Effect> ran = new ArrayList<>();
        boolean[] broken = {true};
        EventLoop loop = new EventLoop(node, effect -> {
            if (broken[0]) {
                broken[0] = false;
                throw new IllegalStateException("broken effect");
            }
            ran.add(effect);
        }, () -> { }, (e, ex) -> failed.add(e));
        loop.enqueue(new Event.Boot(null));
        loop.enqueue(new Event.OperatorCommand(1, new Command.Stop(), "test"));

        assertThat(loop.runPending()).isEqualTo(2);
        assertThat(failed).singleElement().isInstanceOf(Event.Boot.class);
        assertThat(ran).anyMatch(e -> e instanceof Effect.Reply);
    }

    @Test
    void afterEveryStepTheStatusHookRuns() {
        int[] steps = {0};
        EventLoop loop = new EventLoop(node, effect -> { }, () -> steps[0]++, (e, ex) -> { throw ex; });
        loop.enqueue(new Event.Boot(null));
        loop.enqueue(new Event.Tick());
        loop.runPending();
        assertThat(steps[0]).isEqualTo(2);
        assertThat(loop.runPending()).as("nothing left").isZero();
    }
}
