package io.vigil.vms.management;

import io.vigil.security.PasswordHash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Users, roles and login sessions. Passwords are stored only as PBKDF2 hashes; a login returns a
 * random bearer token of which only the SHA-256 is stored, in the replicated database, so a
 * session survives a failover. Guessing is bounded twice over: an attempt is counted before the
 * slow hash runs (five failures for a user lock that user out for a minute), and at most two
 * hashes run at once (a flood of logins cannot take the server's CPU).
 */
public final class Accounts {
    static final Duration SESSION = Duration.ofHours(12);
    static final int MAX_FAILURES = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Hashed for unknown users, so that a wrong user name costs as much time as a wrong password.
     * Made at the first login of an unknown user, not when the class loads: it is a full slow
     * hash, seconds on a cold JVM, that a server taking over must not spend before it answers.
     */
    private static final class Decoy {
        static final PasswordHash HASH = PasswordHash.of("decoy-" + RANDOM.nextLong());
    }

    private final Store store;
    private final Clock clock;
    private final Semaphore hashing = new Semaphore(2);
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int count, Instant last) {
    }

    /** What a login returns to the client. */
    record Session(String token, String user, String role, String expiresAt) {
    }

    public Accounts(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates the first administrator when there is no user at all; does nothing otherwise. */
    boolean bootstrap(String adminPassword) throws SQLException {
        return store.write(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM users")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return false;
                }
            }
            insert(c, new Inputs.User("admin", adminPassword, "administrator"));
            return true;
        });
    }

    /**
     * Creates the account {@code name} with {@code role} when no user of that name exists; does
     * nothing otherwise (an operator's later change of its password stays).
     */
    boolean ensure(String name, String password, String role) throws SQLException {
        return store.write(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM users WHERE name = ?")) {
                st.setString(1, name);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            insert(c, new Inputs.User(name, password, role));
            return true;
        });
    }

    Session login(Inputs.Login in) throws SQLException {
        String user = in.user();
        refuseIfLockedOut(user);
        recordFailure(user); // counted before the hash: parallel guesses cannot slip past the limit
        String stored = storedHash(user);
        boolean ok = withHashSlot(() -> {
            boolean match = (stored == null ? Decoy.HASH : PasswordHash.of(stored)).matches(in.password());
            return stored != null && match;
        });
        if (!ok) {
            throw new ApiError(401, null, "wrong user name or password");
        }
        failures.remove(user);
        String token = newToken();
        Instant expires = clock.instant().plus(SESSION);
        String role = store.write(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM sessions WHERE expires_at < ?")) {
                st.setTimestamp(1, Timestamp.from(clock.instant()));
                st.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO sessions (token_hash, user_name, expires_at) VALUES (?, ?, ?)")) {
                st.setBytes(1, sha256(token));
                st.setString(2, user);
                st.setTimestamp(3, Timestamp.from(expires));
                st.executeUpdate();
            }
            return roleOf(c, user);
        });
        return new Session(token, user, role, expires.toString());
    }

    private void refuseIfLockedOut(String user) {
        Failures f = failures.get(user);
        if (f != null && f.count() >= MAX_FAILURES && f.last().plus(LOCKOUT).isAfter(clock.instant())) {
            throw new ApiError(429, null, "too many failed logins for '" + user + "'; wait a minute and try again");
        }
    }

    private void recordFailure(String user) {
        Instant now = clock.instant();
        failures.merge(user, new Failures(1, now), (old, one) ->
                old.last().plus(LOCKOUT).isBefore(now) ? one : new Failures(old.count() + 1, now));
        if (failures.size() > 10_000) {
            failures.clear(); // bounded memory under a flood of invented user names
        }
    }

    private interface Check {
        boolean run();
    }

    private boolean withHashSlot(Check check) {
        try {
            if (!hashing.tryAcquire(5, TimeUnit.SECONDS)) {
                throw new ApiError(503, null, "too many logins at once; try again in a few seconds");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, null, "the server is stopping");
        }
        try {
            return check.run();
        } finally {
            hashing.release();
        }
    }

    private String storedHash(String user) throws SQLException {
        return store.read(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT password_hash FROM users WHERE name = ?")) {
                st.setString(1, user);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** The user a bearer token belongs to, or null when it is unknown or expired. */
    public Principal authenticate(String token) throws SQLException {
        if (token == null || token.length() > 100) {
            return null;
        }
        return store.read(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT u.name, u.role, r.can_write FROM sessions s"
                    + " JOIN users u ON u.name = s.user_name JOIN roles r ON r.name = u.role"
                    + " WHERE s.token_hash = ? AND s.expires_at > ?")) {
                st.setBytes(1, sha256(token));
                st.setTimestamp(2, Timestamp.from(clock.instant()));
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? new Principal(rs.getString(1), rs.getString(2), rs.getBoolean(3)) : null;
                }
            }
        });
    }

    void logout(String token) throws SQLException {
        store.write(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM sessions WHERE token_hash = ?")) {
                st.setBytes(1, sha256(token));
                return st.executeUpdate();
            }
        });
    }

    static List<Map<String, Object>> list(Connection c) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT name, role, created_at FROM users ORDER BY name")) {
            while (rs.next()) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("name", rs.getString(1));
                u.put("role", rs.getString(2));
                u.put("createdAt", rs.getTimestamp(3).toInstant().toString());
                out.add(u);
            }
        }
        return out;
    }

    static void insert(Connection c, Inputs.User u) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM roles WHERE name = ?")) {
            st.setString(1, u.role());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw ApiError.badField("role", "role '" + u.role() + "' does not exist; the roles are "
                            + "administrator and viewer");
                }
            }
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO users (name, password_hash, role) VALUES (?, ?, ?)"
                + " ON CONFLICT (name) DO NOTHING")) {
            st.setString(1, u.name());
            st.setString(2, PasswordHash.of(u.password()).encoded());
            st.setString(3, u.role());
            if (st.executeUpdate() == 0) {
                throw ApiError.conflict("name", "a user named '" + u.name() + "' already exists");
            }
        }
    }

    /** Deletes a user and their sessions; the last administrator cannot be deleted (nobody could manage the site). */
    static void delete(Connection c, String name) throws SQLException {
        String role = roleOf(c, name);
        if (role == null) {
            throw ApiError.notFound("user '" + name + "'");
        }
        if (role.equals("administrator")) {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT count(*) FROM users WHERE role = 'administrator'")) {
                rs.next();
                if (rs.getLong(1) <= 1) {
                    throw ApiError.conflict("name", "'" + name + "' is the last administrator; create another"
                            + " administrator first");
                }
            }
        }
        try (PreparedStatement st = c.prepareStatement("DELETE FROM users WHERE name = ?")) {
            st.setString(1, name);
            st.executeUpdate();
        }
    }

    private static String roleOf(Connection c, String user) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT role FROM users WHERE name = ? FOR UPDATE")) {
            st.setString(1, user);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime lacks SHA-256", e);
        }
    }
}
