package io.vigil.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthorityTest {

    @Test
    void aRevokedGrantIsNotValidWhateverTheMarginRegressionForLongMinValueOverflow() {
        Authority a = new Authority();
        a.heartbeatSent(1, 1_000);
        a.peerGrant(true, 1, 3_000);
        assertThat(a.grantValid(1_500, 500)).isTrue();
        a.revokeGrant();
        assertThat(a.grantValid(1_500, 500)).isFalse();
        assertThat(a.grantValid(Long.MIN_VALUE + 10, 500)).isFalse();
    }

    @Test
    void noLeaseIsNeverValidAndALeaseExpiresMarginBeforeItsEnd() {
        Authority a = new Authority();
        assertThat(a.leaseValid(0, 500)).isFalse();
        a.leaseGranted(10_000, 3_000, 1);
        long until = 10_000 + (long) (3_000 * (1 - Authority.DRIFT));
        assertThat(a.leaseValid(until - 501, 500)).isTrue();
        assertThat(a.leaseValid(until - 500, 500)).isFalse();
    }

    @Test
    void validityCountsFromTheRequestNotFromTheAnswer() {
        Authority a = new Authority();
        a.leaseRequested(10_000);
        a.leaseGranted(10_000, 3_000, 1);
        assertThat(a.leaseValidUntil()).isEqualTo(10_000 + (long) (3_000 * (1 - Authority.DRIFT)));
    }

    @Test
    void aLateAnswerToAnOlderRequestKeepsTheEpochTheWitnessRegisteredRegression() {
        Authority a = new Authority();
        a.leaseGranted(2_000, 3_000, 3);
        a.leaseGranted(1_000, 3_000, 1);
        assertThat(a.leaseEpoch()).isEqualTo(3);
        Authority b = new Authority();
        b.leaseGranted(1_000, 3_000, 1);
        assertThat(b.leaseEpoch()).as("only an answer that registered epoch 3 counts").isEqualTo(1);
    }
}
