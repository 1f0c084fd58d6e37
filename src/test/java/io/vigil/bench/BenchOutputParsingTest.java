package io.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The database benchmarks read their figures from pgbench's and rsync's reports. */
class BenchOutputParsingTest {

    @Test
    void rsync_stats_give_literal_matched_sent_and_total_bytes_with_thousands_separators() {
        String out = """
                Number of files: 1,745 (reg: 1,709, dir: 36)
                Number of regular files transferred: 1,709
                Total file size: 1,226,451,370 bytes
                Total transferred file size: 1,226,451,370 bytes
                Literal data: 152,739,840 bytes
                Matched data: 1,073,711,530 bytes
                File list size: 65,535
                Total bytes sent: 153,312,987
                Total bytes received: 2,621,477

                sent 153,312,987 bytes  received 2,621,477 bytes  9,198,546.12 bytes/sec
                """;

        RsyncStats s = RsyncStats.parse(out);

        assertThat(s).isEqualTo(new RsyncStats(152_739_840L, 1_073_711_530L, 153_312_987L, 1_226_451_370L));
    }

    @Test
    void rsync_output_without_stats_is_refused_with_the_missing_field_named() {
        assertThatThrownBy(() -> RsyncStats.parse("sending incremental file list\n"))
                .hasMessageContaining("'Literal data:'");
    }

    @Test
    void pgbench_tps_is_the_figure_without_initial_connection_time() {
        String out = """
                number of transactions actually processed: 16822
                latency average = 9.511 ms
                initial connection time = 21.094 ms
                tps = 841.126354 (without initial connection time)
                """;

        assertThat(PgBench.parseTps(out)).isEqualTo(841.126354);
    }

    @Test
    void median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assertThat(ReplicationOverhead.median(List.of(3.0, 1.0, 4.0, 2.0))).isEqualTo(2.5);
        assertThat(ReplicationOverhead.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
    }
}
