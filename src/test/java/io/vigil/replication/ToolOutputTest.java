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
}
