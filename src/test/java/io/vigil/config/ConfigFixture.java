package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The sample files and helpers shared by the configuration tests. */
abstract class ConfigFixture {

    static final String KEY = "00112233445566778899aabbccddeeff0011223344556677";

    static final String FULL = """
            cluster:
              name: demo
              key: "%s"
            node:
              id: 1
              dataDir: data/node1
              hostName: node1
            peer:
              hostName: node2
              adminAddress: 127.0.0.1
              adminPort: 6260
            admin:
              port: 6259
            heartbeat:
              intervalMs: 500
              timeoutMs: 2000
              networks:
                - local: 127.0.0.1
                  peer: 127.0.0.1
                - {local: 10.0.0.1, peer: 10.0.0.2}
            witness:
              address: 10.0.0.3
              port: 4850
            failover:
              serviceFailoverDelayMs: 20000
              maxFailovers: 3
            boot: disabled
            restart:
              maxRestarts: 4
              windowMs: 60000
            resources:
              - name: db
                start: ["pg_ctl", "start"]
                checkers:
                  - type: tcp
                    port: 5432
              - name: mgmt
                description: Management server
                start: java -jar mgmt.jar
                dependsOn: [db]
                env: {JAVA_OPTS: -Xmx1g}
                workDir: /opt/mgmt
                restart: {maxRestarts: 1, windowMs: 1000}
                checkers:
                  - type: http
                    url: http://127.0.0.1:8081/health
                  - type: process
            logs:
              keepFiles: 3
            """.formatted(KEY);

    static final String MINIMAL = """
            cluster:
              name: demo
              key: "%s"
            node:
              id: 2
              dataDir: /var/lib/vigil/node2
            heartbeat:
              networks:
                - local: 127.0.0.1
                  peer: 127.0.0.1
            """.formatted(KEY);

    @TempDir
    Path dir;

    Path write(String yaml) throws IOException {
        Path f = dir.resolve("vigil.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    VigilConfig load(String yaml) throws Exception {
        return VigilConfig.load(write(yaml));
    }

    /** Loads {@code yaml} expecting a failure at {@code keyPath}; returns the message. */
    String error(String yaml, String keyPath) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
        assertThat(t).isInstanceOf(ConfigException.class);
        ConfigException e = (ConfigException) t;
        assertThat(e.keyPath()).isEqualTo(keyPath);
        assertThat(e.getMessage()).contains(dir.resolve("vigil.yaml").toString()).contains(keyPath)
                .doesNotContain(KEY);
        return e.getMessage();
    }
}
