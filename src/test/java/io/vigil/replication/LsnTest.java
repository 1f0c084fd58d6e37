package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void parses_prints_and_orders_wal_positions() {
        Lsn a = Lsn.parse("16/B374D848");
        assertThat(a.value()).isEqualTo((0x16L << 32) | 0xB374D848L);
        assertThat(a).hasToString("16/B374D848");
        assertThat(Lsn.parse("17/0").isAtLeast(a)).isTrue();
        assertThat(Lsn.parse("17/0").bytesAfter(Lsn.parse("16/FFFFFFFF"))).isEqualTo(1);
        assertThat(a.bytesAfter(Lsn.parse("17/0"))).isZero();
        assertThat(Lsn.parse(null)).isNull();
    }

    @Test
    void rejects_text_that_is_not_a_position() {
        assertThatThrownBy(() -> Lsn.parse("12345")).hasMessageContaining("0/3000060");
    }
}
