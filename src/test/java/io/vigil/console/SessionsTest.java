package io.vigil.console;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SessionsTest {
    private final AtomicLong now = new AtomicLong(0);
    private final Sessions sessions = new Sessions(now::get);

    @Test
    void aSessionLivesWhileUsedAndExpiresAfterThirtyIdleMinutes() {
        Sessions.Session s = sessions.create("admin");
        now.addAndGet(Sessions.IDLE_MS - 1);
        assertThat(sessions.find(s.token())).isPresent();
        now.addAndGet(Sessions.IDLE_MS - 1);
        assertThat(sessions.find(s.token())).as("refreshed by the previous use").isPresent();
        now.addAndGet(Sessions.IDLE_MS + 1);
        assertThat(sessions.find(s.token())).isEmpty();
    }

    @Test
    void theEventStreamDoesNotKeepASessionAlive() {
        Sessions.Session s = sessions.create("admin");
        now.addAndGet(Sessions.IDLE_MS - 1);
        assertThat(sessions.alive(s.token())).isTrue();
        now.addAndGet(2);
        assertThat(sessions.alive(s.token())).isFalse();
    }

    @Test
    void tokensAreRandomAndTheCsrfCheckIsExact() {
        Sessions.Session a = sessions.create("admin");
        Sessions.Session b = sessions.create("admin");
        assertThat(a.token()).isNotEqualTo(b.token()).hasSize(43);
        assertThat(a.csrf()).isNotEqualTo(a.token());
        assertThat(Sessions.csrfMatches(a, a.csrf())).isTrue();
        assertThat(Sessions.csrfMatches(a, b.csrf())).isFalse();
        assertThat(Sessions.csrfMatches(a, null)).isFalse();
        sessions.remove(a.token());
        assertThat(sessions.find(a.token())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
    }
}
