package io.vigil.checker;

import static io.vigil.checker.CheckerPolicy.Transition.FAILED;
import static io.vigil.checker.CheckerPolicy.Transition.NONE;
import static io.vigil.checker.CheckerPolicy.Transition.RECOVERED;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.checker.CheckerPolicy.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckerPolicyTest {

    /** Feeds "+"/"-" results and returns the transitions, e.g. {@code "--+"}. */
    private static List<Transition> feed(CheckerPolicy policy, String results) {
        List<Transition> out = new ArrayList<>();
        for (char c : results.toCharArray()) {
            out.add(policy.onResult(c == '+'));
        }
        return out;
    }

    @Test
    void fails_only_after_fall_consecutive_failures_and_reports_it_once() {
        CheckerPolicy policy = new CheckerPolicy(3, 2, 0);
        assertThat(feed(policy, "--+---")).containsExactly(NONE, NONE, NONE, NONE, NONE, FAILED);
        assertThat(feed(policy, "----")).containsOnly(NONE);
        assertThat(policy.failed()).isTrue();
    }

    @Test
    void recovers_only_after_rise_consecutive_successes() {
        CheckerPolicy policy = new CheckerPolicy(1, 2, 0);
        assertThat(feed(policy, "-+-++")).containsExactly(FAILED, NONE, NONE, NONE, RECOVERED);
        assertThat(policy.failed()).isFalse();
    }

    @Test
    void failures_during_grace_do_not_count() {
        CheckerPolicy policy = new CheckerPolicy(2, 1, 3);
        assertThat(feed(policy, "---")).containsOnly(NONE);
        assertThat(feed(policy, "--")).containsExactly(NONE, FAILED);
    }

    @Test
    void a_failure_streak_straddling_the_end_of_grace_counts_only_the_part_after_it() {
        CheckerPolicy policy = new CheckerPolicy(2, 1, 2);
        assertThat(feed(policy, "---")).containsExactly(NONE, NONE, NONE);
        assertThat(feed(policy, "-")).containsExactly(FAILED);
    }

    @Test
    void grace_is_the_warm_up_rounded_up_to_whole_intervals() {
        CheckerSpec spec = CheckerSpec.process().withTiming(1000, 500).withPolicy(1, 1, 2500);
        CheckerPolicy policy = CheckerPolicy.of(spec);
        assertThat(feed(policy, "----")).containsExactly(NONE, NONE, NONE, FAILED);
    }

    @Test
    void reset_keeps_a_failure_when_asked_so_recovery_still_needs_rise_successes() {
        CheckerPolicy policy = new CheckerPolicy(1, 2, 0);
        feed(policy, "-");
        policy.reset(true);
        assertThat(feed(policy, "++")).containsExactly(NONE, RECOVERED);
        policy.reset(false);
        assertThat(policy.failed()).isFalse();
    }
}
