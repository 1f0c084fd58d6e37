package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.SyncStatus;
import io.vigil.replication.SyncReporter.PrimaryView;
import io.vigil.replication.SyncReporter.StandbyView;
import org.junit.jupiter.api.Test;

class SyncReporterTest {

    private static final Lsn SWITCH = Lsn.parse("0/5000000");

    @Test
    void a_standby_that_does_not_stream_has_a_connection_error() {
        assertThat(SyncReporter.status(new StandbyView(false, Lsn.parse("0/9000000")),
                new PrimaryView(true, "sync", SWITCH))).isEqualTo(SyncStatus.CONNECTION_ERROR);
    }

    @Test
    void a_streaming_standby_is_not_uptodate_while_the_primary_does_not_wait_for_it() {
        StandbyView caughtUp = new StandbyView(true, Lsn.parse("0/9000000"));
        assertThat(SyncReporter.status(caughtUp, new PrimaryView(false, "async", SWITCH))).isEqualTo(SyncStatus.NOT_UPTODATE);
        assertThat(SyncReporter.status(caughtUp, new PrimaryView(true, "potential", SWITCH))).isEqualTo(SyncStatus.NOT_UPTODATE);
        assertThat(SyncReporter.status(caughtUp, new PrimaryView(true, null, SWITCH))).isEqualTo(SyncStatus.NOT_UPTODATE);
        assertThat(SyncReporter.status(caughtUp, null)).isEqualTo(SyncStatus.NOT_UPTODATE);
    }

    @Test
    void a_sync_standby_is_not_uptodate_until_it_has_flushed_the_switch_position() {
        PrimaryView sync = new PrimaryView(true, "sync", SWITCH);
        assertThat(SyncReporter.status(new StandbyView(true, null), sync)).isEqualTo(SyncStatus.NOT_UPTODATE);
        assertThat(SyncReporter.status(new StandbyView(true, Lsn.parse("0/4FFFFFF")), sync)).isEqualTo(SyncStatus.NOT_UPTODATE);
        assertThat(SyncReporter.status(new StandbyView(true, SWITCH), sync)).isEqualTo(SyncStatus.UPTODATE);
        assertThat(SyncReporter.status(new StandbyView(true, Lsn.parse("1/0")), sync)).isEqualTo(SyncStatus.UPTODATE);
    }

    @Test
    void an_unknown_switch_position_is_never_uptodate() {
        assertThat(SyncReporter.status(new StandbyView(true, Lsn.parse("1/0")), new PrimaryView(true, "sync", null)))
                .isEqualTo(SyncStatus.NOT_UPTODATE);
    }
}
