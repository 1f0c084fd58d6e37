package io.vigil.console;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Login, logout and the per-request checks (SPEC §7): the session cookie, the CSRF header on
 * state-changing requests, and the failed-login rate limit ({@link PasswordCheck}). Every login
 * attempt is written to the module log with the remote address and the outcome, never with the
 * password. {@code GET /api/metrics} also takes the scrape token ({@code Authorization: Bearer}),
 * which opens nothing else, or HTTP Basic with the admin password.
 */
final class Auth {

    static final String USER = "admin";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** The read-only identity of a metrics scrape; it reaches no endpoint but {@code GET /api/metrics}. */
    static final String SCRAPER = "metrics";

    private final PasswordCheck check;
    private final Sessions sessions;
    private final byte[] metricsTokenDigest;
    private final boolean secure;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    /** The client CA of client-certificate login (SPEC §7, {@code clcacert.crt}); null inside: none. */
    private final java.util.function.Supplier<io.vigil.pki.ClientCertificates> clientCa;
    private final java.time.Clock wall;

    /**
     * @param metricsToken the scrape token, or null when none is configured
     * @param secure       true under HTTPS: the cookie then gets the Secure flag
     * @param info         module log, level I (successes)
     * @param warn         module log, level E (failures: an operator should notice a guessing attack)
     */
    Auth(PasswordCheck check, Sessions sessions, String metricsToken, boolean secure, Consumer<String> info,
         Consumer<String> warn) {
        this(check, sessions, metricsToken, secure, info, warn, () -> null, java.time.Clock.systemUTC());
    }

    /**
     * @param clientCa the client CA in force (it changes when the console reloads its certificates),
     *                 null from the supplier when client-certificate login is off
     * @param wall     the clock client certificates' validity is checked against
     */
    Auth(PasswordCheck check, Sessions sessions, String metricsToken, boolean secure, Consumer<String> info,
         Consumer<String> warn, java.util.function.Supplier<io.vigil.pki.ClientCertificates> clientCa,
         java.time.Clock wall) {
        this.clientCa = clientCa;
        this.wall = wall;
        this.check = check;
        this.sessions = sessions;
        this.metricsTokenDigest = metricsToken == null ? null : digest(metricsToken);
        this.secure = secure;
        this.info = info;
        this.warn = warn;
    }

    PasswordCheck check() {
        return check;
    }

    /**
     * The user name and password (or null) of a login body; what every login goes through, and
     * what bench/fuzz feeds (ConsoleFuzzEntry).
     *
     * @throws IllegalArgumentException the body is not a JSON object, with what it must be
     */
    static String[] credentials(String body) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body must be JSON: {\"user\":\"admin\",\"password\":\"...\"}");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object {\"user\":\"admin\",\"password\":\"...\"}");
        }
        return new String[] {n.path("user").asText(""), n.path("password").asText(null)};
    }

    /** POST /api/login {"user":"admin","password":"..."}. */
    void login(Exchange ex) throws IOException {
        String remote = Http.remote(ex);
        long wait = check.retryAfterSeconds(remote);
        if (wait > 0) {
            tooMany(ex, wait);
            return;
        }
        String[] credentials;
        try {
            credentials = credentials(Http.body(ex));
        } catch (Http.TooLarge e) {
            Http.error(ex, 413, "too-large", e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            Http.error(ex, 400, "bad-request", e.getMessage());
            return;
        }
        String user = credentials[0];
        PasswordCheck.Result r = check.check(remote, user, credentials[1]);
        if (r.verdict() != PasswordCheck.Verdict.OK) {
            refuse(ex, r, "failed login (" + (USER.equals(user) ? "wrong password" : "unknown user") + ")", remote);
            return;
        }
        Sessions.Session s = sessions.create(USER);
        info.accept("console: " + USER + " logged in from " + remote);
        ex.addHeader("Set-Cookie", cookie(s.token(), false));
        Http.json(ex, 200, sessionBody(s));
    }

    void logout(Exchange ex, Sessions.Session s) throws IOException {
        sessions.remove(s.token());
        info.accept("console: " + s.user() + " logged out from " + Http.remote(ex));
        ex.addHeader("Set-Cookie", cookie("", true));
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
     * a state-changing request). {@code GET /api/metrics} also takes the scrape token and HTTP Basic.
     */
    Optional<Sessions.Session> require(Exchange ex, boolean scrape) throws IOException {
        Optional<Sessions.Session> s = sessions.find(Http.cookie(ex, Sessions.COOKIE));
        if (s.isEmpty() && clientCa.get() != null && ex.clientCertificates() != null) {
            s = certificateLogin(ex);
        }
        if (s.isEmpty() && scrape) {
            s = scraper(ex);
            if (s == null) {
                return Optional.empty(); // already answered 429 or 503
            }
        }
        if (s.isEmpty()) {
            Http.error(ex, 401, "login-required", "log in first: POST /api/login"
                    + (scrape ? " (a scraper sends Authorization: Bearer with the console.metricsTokenFile token)" : ""));
            return Optional.empty();
        }
        if (!"GET".equals(ex.method()) && !"HEAD".equals(ex.method())
                && !Sessions.csrfMatches(s.get(), ex.header(CSRF_HEADER))) {
            Http.error(ex, 403, "csrf", "missing or wrong " + CSRF_HEADER + " header; use the token "
                    + "returned by POST /api/login or GET /api/session");
            return Optional.empty();
        }
        return s;
    }

    /**
     * Client-certificate login (SPEC §7: "clcacert.crt enables client-certificate login (user in the
     * CN)"): a request without a session whose TLS client certificate was issued by the client CA,
     * for user {@value #USER}, gets a session and its cookie, as a password login would. The CSRF
     * check after it still applies, so a cross-site POST (to which a browser would also attach the
     * certificate) is refused: the page first reads its token with GET /api/session.
     */
    private Optional<Sessions.Session> certificateLogin(Exchange ex) {
        io.vigil.pki.ClientCertificates ca = clientCa.get();
        String remote = Http.remote(ex);
        String user;
        try {
            user = ca.user(ex.clientCertificates(), wall.instant());
        } catch (io.vigil.pki.PkiException e) {
            warn.accept("console: client certificate from " + remote + " refused: " + e.getMessage());
            return Optional.empty();
        }
        if (!USER.equals(user)) {
            warn.accept("console: client certificate from " + remote + " refused: it names user '" + user
                    + "' (its CN); the console's user is '" + USER + "'");
            return Optional.empty();
        }
        Sessions.Session s = sessions.create(USER);
        info.accept("console: " + USER + " logged in from " + remote + " with a client certificate ("
                + ex.clientCertificates()[0].getSubjectX500Principal() + ", serial "
                + ex.clientCertificates()[0].getSerialNumber().toString(16) + ")");
        ex.addHeader("Set-Cookie", cookie(s.token(), false));
        return Optional.of(s);
    }

    boolean alive(Sessions.Session s) {
        return sessions.alive(s.token());
    }

    /** @return a one-request session, empty when no or wrong credentials, null after answering 429/503 */
    private Optional<Sessions.Session> scraper(Exchange ex) throws IOException {
        String h = ex.header("Authorization");
        if (h != null && h.startsWith("Bearer ")) {
            return bearer(ex, h.substring(7).trim());
        }
        if (h == null || !h.startsWith("Basic ")) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        String remote = Http.remote(ex);
        PasswordCheck.Result r = colon < 0 ? new PasswordCheck.Result(PasswordCheck.Verdict.WRONG, 0)
                : check.check(remote, decoded.substring(0, colon), decoded.substring(colon + 1));
        if (r.verdict() == PasswordCheck.Verdict.OK) {
            return Optional.of(new Sessions.Session("", USER, "", 0));
        }
        if (r.verdict() == PasswordCheck.Verdict.WRONG) {
            warn.accept("console: failed basic authentication from " + remote + "; next attempt accepted in "
                    + r.retryAfterSeconds() + " s");
            return Optional.empty();
        }
        refuse(ex, r, "failed basic authentication", remote);
        return null;
    }

    /**
     * The scrape token: compared as SHA-256 digests in constant time (no length or prefix leak). It
     * is random and long (checked at start-up), so guessing it is hopeless; no rate limit, which
     * keeps a mistyped scraper from locking the operators of its address out.
     */
    private Optional<Sessions.Session> bearer(Exchange ex, String token) {
        if (metricsTokenDigest != null && MessageDigest.isEqual(metricsTokenDigest, digest(token))) {
            return Optional.of(new Sessions.Session("", SCRAPER, "", 0));
        }
        warn.accept("console: wrong metrics token from " + Http.remote(ex)
                + (metricsTokenDigest == null ? " (no console.metricsTokenFile is configured)" : ""));
        return Optional.empty();
    }

    private void refuse(Exchange ex, PasswordCheck.Result r, String what, String remote) throws IOException {
        switch (r.verdict()) {
            case RATE_LIMITED -> tooMany(ex, r.retryAfterSeconds());
            case BUSY -> {
                ex.setHeader("Retry-After", Long.toString(r.retryAfterSeconds()));
                Http.error(ex, 503, "busy", "too many logins are being checked right now; try again in "
                        + r.retryAfterSeconds() + " s");
            }
            default -> {
                // Not the user name typed: an operator who types the password in the wrong field would log it.
                warn.accept("console: " + what + " from " + remote + "; next attempt from there accepted in "
                        + r.retryAfterSeconds() + " s");
                Http.error(ex, 401, "bad-credentials", "wrong user name or password");
            }
        }
    }

    private void tooMany(Exchange ex, long wait) throws IOException {
        ex.setHeader("Retry-After", Long.toString(wait));
        Http.error(ex, 429, "rate-limited", "too many failed logins from your address; try again in " + wait + " s");
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime lacks SHA-256", e);
        }
    }

    private String cookie(String value, boolean expire) {
        return Sessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
                + (expire ? "; Max-Age=0" : "");
    }
}
