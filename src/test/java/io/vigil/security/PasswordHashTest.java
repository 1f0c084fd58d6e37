package io.vigil.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHashTest {

    @Test
    void aClearPasswordIsKeptOnlyAsASaltedHash() {
        PasswordHash h = PasswordHash.of("correct horse");
        assertThat(h.matches("correct horse")).isTrue();
        assertThat(h.matches("correct horse ")).isFalse();
        assertThat(h.matches(null)).isFalse();
        assertThat(h.encoded()).startsWith("pbkdf2$").doesNotContain("correct horse");
        assertThat(PasswordHash.of("correct horse").encoded()).as("salted").isNotEqualTo(h.encoded());
    }

    @Test
    void aStoredHashIsReadBack() {
        PasswordHash stored = PasswordHash.of(PasswordHash.of("battery staple").encoded());
        assertThat(stored.matches("battery staple")).isTrue();
        assertThat(stored.matches("battery")).isFalse();
    }

    @Test
    void aMalformedHashIsRefusedClearly() {
        assertThatThrownBy(() -> PasswordHash.of("pbkdf2$x$y")).hasMessageContaining("malformed");
        assertThatThrownBy(() -> PasswordHash.of("pbkdf2$12$%%%$abc")).hasMessageContaining("malformed");
    }
}
