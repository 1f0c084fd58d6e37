package io.vigil.console;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Login, logout and the per-request checks (SPEC §7): the session cookie, the CSRF header on
 * state-changing requests, and the failed-login rate limit. Every login attempt is written to the
 * module log with the remote address and the outcome, never with the password.
 */
final class Auth {

    static final String USER = "admin";
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final PasswordHash password;
    private final Sessions sessions;
    private final LoginGuard guard;
    private final boolean secure;
    private final Consumer<String> info;
    private final Consumer<String> warn;

    /**
     * @param secure true under HTTPS: the cookie then gets the Secure flag
     * @param info   module log, level I (successes)
     * @param warn   module log, level E (failures: an operator should notice a guessing attack)
     */
    Auth(PasswordHash password, Sessions sessions, LoginGuard guard, boolean secure, Consumer<String> info,
         Consumer<String> warn) {
        this.password = password;
        this.sessions = sessions;
        this.guard = guard;
        this.secure = secure;
        this.info = info;
        this.warn = warn;
    }

    /** POST /api/login {"user":"admin","password":"..."}. */
    void login(HttpExchange ex) throws IOException {
        String remote = Http.remote(ex);
        long wait = guard.retryAfterSeconds(remote);
        if (wait > 0) {
            tooMany(ex, wait);
            return;
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(Http.body(ex));
        } catch (Http.TooLarge e) {
            Http.error(ex, 413, "too-large", e.getMessage());
            return;
        } catch (JacksonException e) {
            Http.error(ex, 400, "bad-request", "the body must be JSON: {\"user\":\"admin\",\"password\":\"...\"}");
            return;
        }
        if (body == null || !body.isObject()) {
            Http.error(ex, 400, "bad-request", "the body must be a JSON object {\"user\":\"admin\",\"password\":\"...\"}");
            return;
        }
        String user = body.path("user").asText("");
        if (!(USER.equals(user) & password.matches(body.path("password").asText(null)))) {
            long delay = guard.failed(remote);
            // Not the user name typed: an operator who types the password in the wrong field would log it.
            warn.accept("console: failed login (" + (USER.equals(user) ? "wrong password" : "unknown user")
                    + ") from " + remote
                    + "; next attempt from there accepted in " + delay + " s");
            Http.error(ex, 401, "bad-credentials", "wrong user name or password");
            return;
        }
        guard.succeeded(remote);
        Sessions.Session s = sessions.create(USER);
        info.accept("console: " + USER + " logged in from " + remote);
        ex.getResponseHeaders().add("Set-Cookie", cookie(s.token(), false));
        Http.json(ex, 200, sessionBody(s));
    }

    void logout(HttpExchange ex, Sessions.Session s) throws IOException {
        sessions.remove(s.token());
        info.accept("console: " + s.user() + " logged out from " + Http.remote(ex));
        ex.getResponseHeaders().add("Set-Cookie", cookie("", true));
        Http.json(ex, 200, Map.of("loggedOut", true));
    }

    static Map<String, Object> sessionBody(Sessions.Session s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", s.user());
        m.put("csrfToken", s.csrf());
        return m;
    }

    /**
     * The request's session, or empty after answering 401 (no session) / 403 (missing CSRF token on
     * a state-changing request). {@code GET /api/metrics} also takes HTTP Basic, for scrapers.
     */
    Optional<Sessions.Session> require(HttpExchange ex, boolean basicAllowed) throws IOException {
        Optional<Sessions.Session> s = sessions.find(Http.cookie(ex, Sessions.COOKIE));
        if (s.isEmpty() && basicAllowed) {
            s = basic(ex);
            if (s == null) {
                return Optional.empty(); // already answered 429
            }
        }
        if (s.isEmpty()) {
            Http.error(ex, 401, "login-required", "log in first: POST /api/login");
            return Optional.empty();
        }
        if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())
                && !Sessions.csrfMatches(s.get(), ex.getRequestHeaders().getFirst(CSRF_HEADER))) {
            Http.error(ex, 403, "csrf", "missing or wrong " + CSRF_HEADER + " header; use the token "
                    + "returned by POST /api/login or GET /api/session");
            return Optional.empty();
        }
        return s;
    }

    boolean alive(Sessions.Session s) {
        return sessions.alive(s.token());
    }

    /** @return a one-request session, empty when no or wrong credentials, null after answering 429 */
    private Optional<Sessions.Session> basic(HttpExchange ex) throws IOException {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.startsWith("Basic ")) {
            return Optional.empty();
        }
        String remote = Http.remote(ex);
        long wait = guard.retryAfterSeconds(remote);
        if (wait > 0) {
            tooMany(ex, wait);
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !USER.equals(decoded.substring(0, colon)) || !password.matches(decoded.substring(colon + 1))) {
            long delay = guard.failed(remote);
            warn.accept("console: failed basic authentication from " + remote + "; next attempt accepted in "
                    + delay + " s");
            return Optional.empty();
        }
        guard.succeeded(remote);
        return Optional.of(new Sessions.Session("", USER, "", 0));
    }

    private void tooMany(HttpExchange ex, long wait) throws IOException {
        ex.getResponseHeaders().set("Retry-After", Long.toString(wait));
        Http.error(ex, 429, "rate-limited", "too many failed logins from your address; try again in " + wait + " s");
    }

    private String cookie(String value, boolean expire) {
        return Sessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                + (expire ? "; Max-Age=0" : "");
    }
}
