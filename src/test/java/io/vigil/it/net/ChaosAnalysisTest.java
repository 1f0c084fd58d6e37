package io.vigil.it.net;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chaos run's client-side checks, on made-up acknowledgements. */
class ChaosAnalysisTest {

    private static ChaosRun.Ack ack(long n, String node, long storedAt, long start, long end) {
        return new ChaosRun.Ack(n, node, storedAt, start, end);
    }

    @Test
    void aFailoverAndALaterFailbackAreNotTwoServers() {
        List<ChaosRun.Ack> acks = List.of(ack(1, "node1", 100, 99, 101), ack(2, "node1", 200, 199, 201),
                ack(3, "node2", 6200, 6000, 6201), ack(4, "node2", 6300, 6299, 6301),
                ack(5, "node1", 15000, 14000, 15001));
        List<String> problems = new ArrayList<>();
        assertThat(ChaosRun.clientOverlapMs(acks, problems)).isZero();
        assertThat(problems).isEmpty();
    }

    @Test
    void anAnswerDeliveredLateButStoredBeforeTheFailoverIsNotTwoServers() {
        // Record 2 was stored by node1 at 200, then its link went down; TCP delivered the reply at 14000.
        List<ChaosRun.Ack> acks = List.of(ack(1, "node1", 100, 99, 101), ack(2, "node1", 200, 199, 14000),
                ack(3, "node2", 6200, 6000, 6201), ack(4, "node2", 6300, 6299, 6301));
        assertThat(ChaosRun.clientOverlapMs(acks, new ArrayList<>())).isZero();
    }

    @Test
    void bothNodesAnsweringInTurnAreTwoServers() {
        List<ChaosRun.Ack> acks = List.of(ack(1, "node1", 100, 99, 101), ack(2, "node2", 140, 139, 141),
                ack(3, "node1", 180, 179, 181), ack(4, "node1", 5000, 4999, 5001));
        List<String> problems = new ArrayList<>();
        assertThat(ChaosRun.clientOverlapMs(acks, problems)).isEqualTo(40);
        assertThat(problems).singleElement().asString().contains("node1 (1), node2 (2) and node1 again (3)");
    }

    @Test
    void theLongestTimeWithoutAnAcknowledgementIsMeasuredOnTheClient() {
        List<ChaosRun.Ack> acks = List.of(ack(1, "node1", 100, 99, 101), ack(2, "node1", 200, 199, 201),
                ack(3, "node2", 6200, 6000, 6201));
        assertThat(ChaosRun.maxUnavailableMs(acks)).isEqualTo(6000);
    }
}
