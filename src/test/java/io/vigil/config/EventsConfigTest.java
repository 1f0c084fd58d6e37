package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The events section: where the node reports to the VMS event server, and the mistakes it refuses. */
class EventsConfigTest extends ConfigFixture {

    private String events(String body) throws Exception {
        Path pw = write("secret\n");
        return MINIMAL + "events:\n" + body.replace("PW", pw.toString());
    }

    @Test
    void theLoginUrlDefaultsToTheManagementServerOnTheEventServersHost() throws Exception {
        VigilConfig c = load(events("  url: http://10.0.0.100:8101\n  user: vigil-node\n  passwordFile: PW\n"));
        assertThat(c.events().url()).isEqualTo(URI.create("http://10.0.0.100:8101"));
        assertThat(c.events().loginUrl()).isEqualTo(URI.create("http://10.0.0.100:8100"));
        assertThat(c.events().user()).isEqualTo("vigil-node");
    }

    @Test
    void aUrlThatIsNotAServerAddressIsRefused() throws Exception {
        assertThat(error(events("  url: ftp://10.0.0.100\n  user: u\n  passwordFile: PW\n"), "events.url"))
                .contains("is not an http(s) address").contains("http://HOST:PORT");
        assertThat(error(events("  url: http://10.0.0.100:8101/api/events\n  user: u\n  passwordFile: PW\n"),
                "events.url")).contains("is not an http(s) address");
    }

    @Test
    void aMissingPasswordFileIsRefused() throws Exception {
        assertThat(error(MINIMAL + "events:\n  url: http://10.0.0.100:8101\n  user: u\n  passwordFile: /nonexistent/pw\n",
                "events.passwordFile")).contains("cannot read /nonexistent/pw");
        assertThat(error(MINIMAL + "events:\n  url: http://10.0.0.100:8101\n  user: u\n", "events.passwordFile"))
                .contains("is missing");
    }

    @Test
    void theSectionIsWrittenBackWithTheRest() throws Exception {
        VigilConfig c = load(events("  url: http://10.0.0.100:8101\n  user: vigil-node\n  passwordFile: PW\n"));
        // ConfigWriter masks the cluster key, so the text is checked rather than loaded again.
        assertThat(ConfigWriter.toYaml(c)).contains("events:").contains("http://10.0.0.100:8101")
                .contains("http://10.0.0.100:8100").contains("vigil-node").contains(c.events().passwordFile().toString());
    }
}
