package io.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The fuzz harness itself: it must count what its targets do, and replay a run from its seed. */
class FuzzHarnessTest {

    /** A decoder with a bug for each kind of finding, chosen by the input's first byte. */
    private static final class Buggy implements FuzzTarget {
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        public String name() {
            return "buggy";
        }

        @Override
        public byte[] generate(SplittableRandom r) {
            return new byte[] {(byte) r.nextInt(5), (byte) r.nextInt()};
        }

        @Override
        public Verdict feed(byte[] input) throws Exception {
            return switch (input[0]) {
                case 0 -> Verdict.ACCEPTED;
                case 1 -> throw new IllegalStateException("decoder bug");
                case 2 -> {
                    never.await(); // a decoder that never returns
                    yield Verdict.ACCEPTED;
                }
                case 3 -> Verdict.stateChange("test", "unauthentic input changed state");
                default -> Verdict.REJECTED;
            };
        }
    }

    @Test
    void crashes_hangs_and_state_changes_are_counted_and_named_with_their_input() throws Exception {
        List<String> log = new ArrayList<>();

        Fuzz.Report r = Fuzz.run(40, 3, 20, List.of(new Buggy()), new int[] {1}, log::add);

        Fuzz.Counts c = r.perDecoder().get("buggy");
        assertThat(c.cases).isEqualTo(40);
        assertThat(c.crashes).isPositive().isEqualTo(r.crashes());
        assertThat(c.hangs).isPositive().isEqualTo(r.hangs());
        assertThat(c.stateChanges).isPositive().isEqualTo(r.stateChanges());
        assertThat(c.accepted + c.rejected + c.crashes + c.hangs + c.stateChanges).isEqualTo(40);
        assertThat(r.json()).startsWith("{\"bench\":\"fuzz\",\"cases\":40,\"crashes\":" + c.crashes + ",\"hangs\":"
                + c.hangs + ",\"state_changes\":" + c.stateChanges + ",").contains("\"seed\":3,");
        assertThat(log).anyMatch(l -> l.contains("CRASH: java.lang.IllegalStateException: decoder bug; input 01"))
                .anyMatch(l -> l.contains("HANG") && l.contains("input 02"))
                .anyMatch(l -> l.contains("STATE CHANGE (test)") && l.contains("input 03"));
    }

    @Test
    void the_same_seed_replays_the_same_cases() throws Exception {
        String a = Fuzz.run(300, 42, 1000, List.of(new ConsoleFuzz(), new AdminFuzz()), new int[] {1, 1}, s -> { })
                .json();
        String b = Fuzz.run(300, 42, 1000, List.of(new ConsoleFuzz(), new AdminFuzz()), new int[] {1, 1}, s -> { })
                .json();

        assertThat(withoutTimes(a)).isEqualTo(withoutTimes(b));
    }

    /** Durations, and so the count of slow cases, depend on the machine's load, not on the seed. */
    private static String withoutTimes(String json) {
        return json.replaceAll("\"(ms|slow)\":\\d+", "\"$1\":_");
    }
}
