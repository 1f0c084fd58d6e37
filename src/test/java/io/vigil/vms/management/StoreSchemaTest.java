package io.vigil.vms.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The schema check that spares a taking-over server Flyway (issue 13), without a database; on a
 * real PostgreSQL it is checked by ManagementServerTest, which has one already.
 */
class StoreSchemaTest {

    @Test
    void theNewestMigrationKnownToTheStoreIsTheNewestFile() throws Exception {
        Path dir = Path.of(StoreSchemaTest.class.getResource("/db/management").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            String newest = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).max(Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow();
            assertThat(Store.NEWEST_MIGRATION).as("bump Store.NEWEST_MIGRATION with each new migration")
                    .isEqualTo(newest);
        }
    }

    @Test
    void anUnreachableDatabaseIsNotCurrentAndAnUnconnectedStoreRefusesLikeOne() {
        try (Store nowhere = Store.open("jdbc:postgresql://127.0.0.1:1/none", "nobody", "x", 1)) {
            assertThat(nowhere.current()).isFalse();
        }
        try (Store none = Store.unconnected()) {
            java.sql.SQLException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> none.read(c -> 1), java.sql.SQLException.class);
            assertThat(ApiSupport.unreachable(e)).as("a 503, as with the database down").isTrue();
        }
    }
}
