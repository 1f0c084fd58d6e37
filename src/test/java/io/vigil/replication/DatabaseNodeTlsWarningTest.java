package io.vigil.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.SyncStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Issue 12: a node whose database replicates without TLS (not paired yet) says so, loudly, at start. */
class DatabaseNodeTlsWarningTest {

    @Test
    void aNodeWithoutClusterCertificatesWarnsThatItsDatabaseReplicatesInPlaintext() throws Exception {
        assertThat(errorsAtStart(PgFixture.plaintext())).contains("database: this node has no cluster certificates,"
                + " so its database replicates WITHOUT TLS (passwords still protect it, the traffic is readable on the"
                + " network); pair the nodes (vigil setup) to turn TLS on");
    }

    @Test
    void aPairedNodeDoesNot() throws Exception {
        assertThat(errorsAtStart(new PgFixture())).noneMatch(l -> l.contains("WITHOUT TLS"));
    }

    /** The listener's error lines once the node has run its start-up steps (no database is started). */
    private static List<String> errorsAtStart(PgFixture fx) throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        try (fx) {
            PgConfig local = fx.config("node1", fx.freePort());
            DatabaseNode node = new DatabaseNode(new PgInstance(local), fx.config("node2", fx.freePort()), false,
                    new DatabaseNode.Listener() {
                        @Override
                        public void syncStatus(SyncStatus status) {
                        }

                        @Override
                        public void failed(String detail) {
                        }

                        @Override
                        public void recovered() {
                        }

                        @Override
                        public void info(String line) {
                        }

                        @Override
                        public void error(String line) {
                            errors.add(line);
                        }
                    }, 60_000);
            node.close(); // runs after the start-up steps on the node's one worker thread, and waits for them
        }
        return errors;
    }
}
