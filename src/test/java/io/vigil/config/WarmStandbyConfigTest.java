package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A resource's {@code warmStandby} (issue 13): off unless asked, a boolean, kept when written back. */
class WarmStandbyConfigTest extends ConfigFixture {

    private static String resource(String extra) {
        return MINIMAL + "resources:\n  - name: mgmt\n    start: [\"sleep\", \"600\"]\n" + extra;
    }

    @Test
    void offUnlessAskedForAndKeptWhenWrittenBack() throws Exception {
        assertThat(load(resource("")).resources().get(0).warmStandby()).isFalse();
        VigilConfig c = load(resource("    warmStandby: true\n"));
        assertThat(c.resources().get(0).warmStandby()).isTrue();
        assertThat(ConfigWriter.toYaml(c)).contains("warmStandby: true");
    }

    @Test
    void aValueThatIsNotTrueOrFalseIsRefused() {
        assertThat(error(resource("    warmStandby: \"on\"\n"), "resources[0].warmStandby"))
                .contains("expected true or false");
    }
}
