package io.vigil.heartbeat;

import static io.vigil.heartbeat.TestHeartbeats.from;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.Heartbeat;
import io.vigil.heartbeat.HeartbeatRejected.Reason;
import io.vigil.heartbeat.ReplayGuard.Admission;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private static final int PEER = 2;
    private final ReplayGuard guard = new ReplayGuard(1);

    @Test
    void increasingSeqIsNew() throws Exception {
        assertThat(guard.admit(from(PEER, 100, 1))).isEqualTo(Admission.NEW);
        assertThat(guard.admit(from(PEER, 100, 2))).isEqualTo(Admission.NEW);
        assertThat(guard.admit(from(PEER, 100, 10))).isEqualTo(Admission.NEW);
    }

    @Test
    void theSameHeartbeatAgainIsACopyNotDeliveredTwice() throws Exception {
        guard.admit(from(PEER, 100, 5));
        assertThat(guard.admit(from(PEER, 100, 5))).isEqualTo(Admission.COPY_OF_LAST);
    }

    @Test
    void replayingAnEarlierPacketIsRefused() throws Exception {
        Heartbeat recorded = from(PEER, 100, 5);
        guard.admit(recorded);
        guard.admit(from(PEER, 100, 6));
        assertRejected(recorded, Reason.REPLAYED);
    }

    @Test
    void anOlderSeqIsRefusedAndDoesNotDisturbWhatFollows() throws Exception {
        guard.admit(from(PEER, 100, 5));
        assertRejected(from(PEER, 100, 4), Reason.REPLAYED);
        assertThat(guard.admit(from(PEER, 100, 6))).isEqualTo(Admission.NEW);
    }

    @Test
    void aRestartedPeerIsAcceptedAndItsOldIncarnationRefusedAfterwards() throws Exception {
        guard.admit(from(PEER, 100, 500));
        assertThat(guard.admit(from(PEER, 200, 1))).as("restart, seq starts over")
                .isEqualTo(Admission.NEW);
        assertRejected(from(PEER, 100, 501), Reason.REPLAYED);
        assertRejected(from(PEER, 100, 500), Reason.REPLAYED);
        assertThat(guard.admit(from(PEER, 200, 2))).isEqualTo(Admission.NEW);
    }

    /**
     * Issue 10 item 2: a recording of an incarnation we never saw (older than the current one)
     * was accepted and retired the genuine incarnation, so every real heartbeat was then refused.
     */
    @Test
    void anUnseenOlderIncarnationIsRefusedAndDoesNotRetireTheCurrentOne() throws Exception {
        guard.admit(from(PEER, 200, 7));
        assertRejected(from(PEER, 150, 900), Reason.REPLAYED);
        assertRejected(from(PEER, 1, 1), Reason.REPLAYED);
        assertThat(guard.admit(from(PEER, 200, 8))).as("the genuine incarnation still delivers")
                .isEqualTo(Admission.NEW);
    }

    @Test
    void incarnationsOnlyIncreaseOverSeveralRestarts() throws Exception {
        for (long inc = 1; inc <= 40; inc++) {
            assertThat(guard.admit(from(PEER, inc, 1))).isEqualTo(Admission.NEW);
        }
        for (long inc = 1; inc < 40; inc++) {
            assertRejected(from(PEER, inc, 2), Reason.REPLAYED);
        }
        assertThat(guard.admit(from(PEER, 40, 2))).isEqualTo(Admission.NEW);
    }

    @Test
    void theRefusalOfAnOlderIncarnationSaysWhatToCheck() throws Exception {
        guard.admit(from(PEER, 200, 7));
        assertThatThrownBy(() -> guard.admit(from(PEER, 150, 1)))
                .hasMessageContaining("incarnation 150").hasMessageContaining("200");
    }

    @Test
    void heartbeatsFromOurselvesOrUnknownNodesAreWrongSender() {
        assertRejected(from(1, 100, 1), Reason.WRONG_SENDER);
        assertRejected(from(0, 100, 1), Reason.WRONG_SENDER);
        assertRejected(from(3, 100, 1), Reason.WRONG_SENDER);
        assertRejected(from(255, 100, 1), Reason.WRONG_SENDER);
    }

    @Test
    void onlyNodeIdsOneAndTwoExist() {
        assertThatThrownBy(() -> new ReplayGuard(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 or 2");
    }

    private void assertRejected(Heartbeat hb, Reason reason) {
        assertThatThrownBy(() -> guard.admit(hb))
                .isInstanceOfSatisfying(HeartbeatRejected.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
