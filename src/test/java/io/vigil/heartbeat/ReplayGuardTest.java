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

    @Test
    void retiredIncarnationsStayRefusedOverSeveralRestarts() throws Exception {
        for (long inc = 1; inc <= ReplayGuard.RETIRED_KEPT + 1; inc++) {
            guard.admit(from(PEER, inc, 1));
        }
        for (long inc = 1; inc <= ReplayGuard.RETIRED_KEPT; inc++) {
            assertRejected(from(PEER, inc, 2), Reason.REPLAYED);
        }
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
