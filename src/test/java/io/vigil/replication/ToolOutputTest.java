package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolOutputTest {

    @Test
    void progress_lines_of_pg_basebackup_and_pg_rewind_give_bytes() {
        assertThat(ToolOutput.progress("22991/22991 kB (100%), 1/1 tablespace"))
                .hasValue(new ToolOutput.Progress(22991L * 1024, 22991L * 1024));
        assertThat(ToolOutput.progress("46780/200481 kB (23%) copied"))
                .hasValue(new ToolOutput.Progress(46780L * 1024, 200481L * 1024));
        assertThat(ToolOutput.progress("pg_rewind: reading source file list")).isEmpty();
    }

    @Test
    void pg_rewind_plan_gives_bytes_to_copy_and_source_size() {
        assertThat(ToolOutput.rewindPlan("pg_rewind: need to copy 195 MB (total source directory size is 283 MB)"))
                .hasValue(new ToolOutput.RewindPlan(195L << 20, 283L << 20));
    }

    @Test
    void error_lines_are_recognised() {
        assertThat(ToolOutput.isError("pg_rewind: error: source and target clusters are from different systems")).isTrue();
        assertThat(ToolOutput.isError("pg_rewind: Done!")).isFalse();
        assertThat(ToolOutput.noRewindRequired("pg_rewind: no rewind required")).isTrue();
    }

    @Test
    void the_divergence_point_and_the_commits_after_it_are_read_from_pg_rewind_and_pg_waldump() {
        assertThat(ToolOutput.divergedAt("pg_rewind: servers diverged at WAL location 0/3000148 on timeline 1"))
                .hasValue(Lsn.parse("0/3000148"));
        assertThat(ToolOutput.divergedAt("pg_rewind: rewinding from last common checkpoint at 0/2000060")).isEmpty();
        assertThat(ToolOutput.isCommit("rmgr: Transaction len (rec/tot):     34/    34, tx:        735, lsn: 0/03000180,"
                + " prev 0/03000148, desc: COMMIT 2026-12-07 17:25:59.123 UTC")).isTrue();
        assertThat(ToolOutput.isCommit("rmgr: Transaction len (rec/tot):     34/    34, tx:        736, lsn: 0/03000200,"
                + " prev 0/03000180, desc: ABORT 2026-12-07 17:25:59.123 UTC")).isFalse();
        assertThat(ToolOutput.isEndOfWal("pg_waldump: error: error in WAL record at 0/3000228: invalid record length at"
                + " 0/3000260: wanted 24, got 0")).isTrue();
        assertThat(ToolOutput.isEndOfWal("pg_waldump: error: could not find file \"000000020000000000000003\"")).isFalse();
    }
}
