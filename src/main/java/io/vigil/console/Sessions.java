package io.vigil.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Logged-in sessions: a random token in an HttpOnly cookie, and per session a CSRF token the
 * page must echo in {@code X-CSRF-Token} on every state-changing request (a cross-site form or
 * script can send the cookie but cannot read the token). Sessions expire after 30 idle minutes.
 */
final class Sessions {

    static final String COOKIE = "vigil_session";
    static final long IDLE_MS = 30 * 60_000L;
    private static final int MAX_SESSIONS = 200;

    record Session(String token, String user, String csrf, long lastUsedMs) { }

    private final SecureRandom random = new SecureRandom();
    private final LongSupplier clockMs;
    private final Map<String, Session> byToken = new LinkedHashMap<>();

    Sessions(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    synchronized Session create(String user) {
        expire();
        if (byToken.size() >= MAX_SESSIONS) {
            byToken.remove(byToken.keySet().iterator().next());
        }
        Session s = new Session(token(), user, token(), clockMs.getAsLong());
        byToken.put(s.token(), s);
        return s;
    }

    /** The live session for {@code token}, refreshed; empty when unknown or expired. */
    synchronized Optional<Session> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        expire();
        Session s = byToken.get(token);
        if (s == null) {
            return Optional.empty();
        }
        Session fresh = new Session(s.token(), s.user(), s.csrf(), clockMs.getAsLong());
        byToken.put(token, fresh);
        return Optional.of(fresh);
    }

    /** Whether {@code token} is still logged in, without counting this as activity (the event stream). */
    synchronized boolean alive(String token) {
        expire();
        return token != null && byToken.containsKey(token);
    }

    synchronized void remove(String token) {
        byToken.remove(token);
    }

    static boolean csrfMatches(Session s, String given) {
        return given != null && MessageDigest.isEqual(s.csrf().getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private void expire() {
        long now = clockMs.getAsLong();
        for (Iterator<Session> it = byToken.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastUsedMs() > IDLE_MS) {
                it.remove();
            }
        }
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
