package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PgConfigTest {

    @Test
    void defaults_are_debian_postgresql_15_run_by_postgres_with_files_beside_the_data() {
        PgConfig c = PgConfig.of(Path.of("/srv/vigil/pgdata"), 5433, "vigil_node2", "a-secret", "r-secret");
        assertThat(c.binDir()).isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
        assertThat(c.osUser()).isEqualTo("postgres");
        assertThat(c.listenAddress()).isEqualTo("127.0.0.1");
        assertThat(c.passFile()).isEqualTo(Path.of("/srv/vigil/pgdata.pgpass"));
        assertThat(c.logFile()).isEqualTo(Path.of("/srv/vigil/pgdata.log"));
    }

    @Test
    void passwords_never_appear_in_its_text_form() {
        PgConfig c = PgConfig.of(Path.of("/srv/pg"), 5433, "vigil_node1", "a-secret", "r-secret");
        assertThat(c.toString()).doesNotContain("a-secret").doesNotContain("r-secret").contains("passwords=***");
    }

    @Test
    void names_that_would_need_quoting_are_refused_with_the_key() {
        assertThatThrownBy(() -> PgConfig.of(Path.of("/srv/pg"), 5433, "vigil node'1", "a", "r"))
                .hasMessageContaining("applicationName");
        assertThatThrownBy(() -> PgConfig.of(Path.of("/srv/pg"), 70000, "vigil_node1", "a", "r"))
                .hasMessageContaining("port 70000");
        assertThatThrownBy(() -> PgConfig.of(Path.of("/srv/pg"), 5433, "vigil_node1", "", "r"))
                .hasMessageContaining("adminPassword");
    }
}
