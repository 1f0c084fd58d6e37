package io.vigil.setup;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SPEC §6's password rule: 6-32 letters, digits and ( ) * _ - . ; the message never shows the password. */
class ConsolePasswordTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc123", "A(b)*c_d-e.f", "abcdefghijklmnopqrstuvwxyz012345"})
    void allowedPasswordsPass(String p) {
        assertThatCode(() -> ConsolePassword.check(p.toCharArray())).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "abcde|the console password has 5 characters: it must have 6 to 32",
        "abcdefghijklmnopqrstuvwxyz0123456|the console password has 33 characters: it must have 6 to 32",
        "secret!pw|the console password's character 7 is not allowed: use only letters A-Z a-z, digits and ( ) * _ - .",
        "pässwort|the console password's character 2 is not allowed: use only letters A-Z a-z, digits and ( ) * _ - .",
        "pass word|the console password's character 5 is not allowed: use only letters A-Z a-z, digits and ( ) * _ - ."
    })
    void brokenRulesAreNamed(String p, String message) {
        assertThatThrownBy(() -> ConsolePassword.check(p.toCharArray())).isInstanceOf(SetupException.class)
                .hasMessage(message);
    }
}
