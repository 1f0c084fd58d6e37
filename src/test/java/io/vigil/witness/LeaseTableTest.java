package io.vigil.witness;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseTableTest {
    private long now = 1_000_000;
    private final Map<String, Long> disk = new HashMap<>();
    private final LeaseTable.EpochStore store = new LeaseTable.EpochStore() {
        @Override
        public long load(String cluster) {
            return disk.getOrDefault(cluster, 0L);
        }

        @Override
        public void save(String cluster, long epoch) {
            disk.put(cluster, epoch);
        }

        @Override
        public long loadIncarnation(String cluster, int node) {
            return disk.getOrDefault(cluster + "/" + node, 0L);
        }

        @Override
        public void saveIncarnation(String cluster, int node, long incarnation) {
            disk.put(cluster + "/" + node, incarnation);
        }
    };
    private long seq;

    private LeaseTable table() {
        return new LeaseTable(() -> now, 3_000, store);
    }

    private LeaseMessage ask(LeaseTable t, int node, String op, long epoch) throws Exception {
        return t.handle(LeaseMessage.request("c", node, 7, ++seq, op, epoch, 3_000));
    }

    @Test
    void afterARestartNoLeaseIsGrantedUntilEveryEarlierLeaseHasExpired() throws Exception {
        LeaseTable t = table();
        assertThat(ask(t, 1, "acquire", 1).granted()).isFalse();
        assertThat(ask(t, 1, "acquire", 1).reason()).contains("restarted");
        now += 3_000;
        assertThat(ask(t, 1, "acquire", 1).granted()).isTrue();
    }

    @Test
    void theOtherNodeGetsTheLeaseOnlyAfterTheHoldersHasExpired() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        assertThat(ask(t, 1, "acquire", 1).granted()).isTrue();
        now += 2_999;
        LeaseMessage refused = ask(t, 2, "acquire", 2);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.holder()).isEqualTo(1);
        assertThat(refused.reason()).contains("held by node1");
        now += 1;
        assertThat(ask(t, 2, "acquire", 2).granted()).isTrue();
        assertThat(ask(t, 1, "renew", 1).granted()).as("the old holder lost it").isFalse();
    }

    @Test
    void renewalExtendsAndReleaseFreesTheLease() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        ask(t, 1, "acquire", 1);
        now += 2_000;
        assertThat(ask(t, 1, "renew", 1).granted()).isTrue();
        now += 2_000;
        assertThat(ask(t, 2, "acquire", 2).granted()).as("renewed 2 s ago").isFalse();
        ask(t, 1, "release", 0);
        assertThat(ask(t, 2, "acquire", 2).granted()).isTrue();
    }

    @Test
    void theHighestEpochIsSavedBeforeTheAnswerAndSurvivesARestart() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        assertThat(ask(t, 1, "acquire", 5).highestEpoch()).as("nothing was registered before").isZero();
        assertThat(disk).containsEntry("c", 5L);
        LeaseTable restarted = table();
        now += 3_000;
        LeaseMessage a = ask(restarted, 2, "acquire", 4);
        assertThat(a.granted()).isTrue();
        assertThat(a.highestEpoch()).as("a node with epoch-4 data learns that epoch 5 ran").isEqualTo(5);
    }

    /**
     * The simulator's finding: a node that missed a run asks for a newer epoch than that run's;
     * the answer must still show the run, not the node's own request.
     */
    @Test
    void aGrantCarriesTheHighestEpochRegisteredBeforeTheRequestNotTheRequestsOwn() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        ask(t, 1, "acquire", 3);
        ask(t, 1, "release", 3);
        LeaseMessage a = ask(t, 2, "acquire", 4);
        assertThat(a.granted()).isTrue();
        assertThat(a.highestEpoch()).as("node1 ran epoch 3").isEqualTo(3);
        assertThat(disk).containsEntry("c", 4L);
        assertThat(ask(t, 2, "renew", 4).highestEpoch()).as("then its own").isEqualTo(4);
    }

    @Test
    void aReplayedRequestChangesNothing() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        LeaseMessage req = LeaseMessage.request("c", 1, 7, 100, "acquire", 3, 3_000);
        assertThat(t.handle(req).granted()).isTrue();
        seq = 100;
        ask(t, 1, "release", 0);
        LeaseMessage replay = t.handle(LeaseMessage.request("c", 1, 7, 100, "acquire", 3, 3_000));
        assertThat(replay.granted()).isFalse();
        assertThat(replay.reason()).contains("replayed");
        assertThat(ask(t, 2, "acquire", 4).granted()).as("the replay did not take the lease").isTrue();
    }

    @Test
    void leasesAreCappedAtTheConfiguredMaximum() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        assertThat(t.handle(LeaseMessage.request("c", 1, 7, 1, "acquire", 1, 60_000)).durationMs()).isEqualTo(3_000);
    }

    /** Issue 10 item 2: a recorded release of an earlier incarnation freed the current lease. */
    @Test
    void aReplayedReleaseOfAnEarlierIncarnationDoesNotFreeTheLease() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        LeaseMessage oldRelease = LeaseMessage.request("c", 1, 5, 40, "release", 0, 0);
        assertThat(t.handle(LeaseMessage.request("c", 1, 9, 1, "acquire", 3, 3_000)).granted()).isTrue();
        LeaseMessage a = t.handle(oldRelease);
        assertThat(a.reason()).contains("earlier incarnation");
        assertThat(a.holder()).isEqualTo(1);
        assertThat(ask(t, 2, "acquire", 4).granted()).as("node1 still holds the lease").isFalse();
        assertThat(t.handle(LeaseMessage.request("c", 1, 9, 2, "renew", 3, 3_000)).granted())
                .as("the genuine incarnation keeps renewing").isTrue();
    }

    @Test
    void theLatestIncarnationOfEachNodeSurvivesAWitnessRestart() throws Exception {
        LeaseTable t = table();
        now += 3_000;
        t.handle(LeaseMessage.request("c", 1, 9, 1, "acquire", 3, 3_000));
        assertThat(disk).containsEntry("c/1", 9L);
        LeaseTable restarted = table();
        now += 3_000;
        LeaseMessage replay = restarted.handle(LeaseMessage.request("c", 1, 8, 77, "acquire", 3, 3_000));
        assertThat(replay.granted()).isFalse();
        assertThat(replay.reason()).contains("earlier incarnation");
        assertThat(restarted.handle(LeaseMessage.request("c", 1, 9, 2, "acquire", 3, 3_000)).granted()).isTrue();
    }
}
