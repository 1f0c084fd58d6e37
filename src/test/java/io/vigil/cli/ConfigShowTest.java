package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6 maintenance, "show configuration" (issue 12 item 3): `vigil config show` prints the
 * configuration as read, secrets redacted, as YAML or, with --json, as JSON.
 */
class ConfigShowTest extends CliFixture {

    @Test
    void showPrintsTheConfigurationWithTheKeyAndInlinePasswordRedactedAsYamlOrJson() throws Exception {
        Path f = config(closedPort(), closedPort());
        Files.writeString(f, Files.readString(f) + "console:\n  password: \"s3cret-Pass\"\n");

        Run yaml = vigil("config", "show", "--config", f.toString());
        Run json = vigil("config", "show", "--json", "--config", f.toString());

        assertThat(yaml.exitCode()).as(yaml.err()).isZero();
        assertThat(yaml.out()).contains("demo").contains("<redacted>").doesNotContain(KEY)
                .doesNotContain("s3cret-Pass");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode tree = NodeClientCommand.JSON.readTree(json.out());
        assertThat(tree.at("/cluster/name").asText()).isEqualTo("demo");
        assertThat(tree.at("/cluster/key").asText()).isEqualTo("<redacted>");
        assertThat(tree.at("/console/password").asText()).isEqualTo("<redacted>");
        assertThat(json.out()).doesNotContain(KEY).doesNotContain("s3cret-Pass");
    }
}
