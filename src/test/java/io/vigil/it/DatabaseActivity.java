package io.vigil.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.UUID;

/**
 * A protected service for the external-database test: while it runs it writes a row
 * (its session, its node, the database's clock) every 50 ms into the database named by
 * VIGIL_DB_URL / VIGIL_DB_USER / VIGIL_DB_PASSWORD, which Vigil gives every service. Two
 * sessions of different nodes overlapping in time would mean two management servers ran
 * against the database at once.
 */
public final class DatabaseActivity {
    private DatabaseActivity() {
    }

    public static void main(String[] args) throws Exception {
        String node = args[0];
        String session = UUID.randomUUID().toString();
        try (Connection c = DriverManager.getConnection(System.getenv("VIGIL_DB_URL"), System.getenv("VIGIL_DB_USER"),
                System.getenv("VIGIL_DB_PASSWORD"));
             PreparedStatement st = c.prepareStatement(
                     "INSERT INTO activity (session, node, at) VALUES (?, ?, clock_timestamp())")) {
            System.out.println("database activity of " + node + " started, session " + session);
            while (true) {
                st.setString(1, session);
                st.setString(2, node);
                st.executeUpdate();
                Thread.sleep(50);
            }
        }
    }
}
