package io.vigil.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;

/** `vigil config hash-password`: a hash the console accepts, and the password never echoed. */
class HashPasswordCommandTest {

    private static CliFixture.Run typing(String input) {
        return CliFixture.vigil(new Terminal(false, false, new BufferedReader(new StringReader(input))),
                "config", "hash-password");
    }

    @Test
    void printsASaltedHashAndNotThePassword() {
        CliFixture.Run run = typing("correct horse battery\n");
        assertThat(run.exitCode()).isEqualTo(ExitCode.OK);
        // 600,000 iterations since issue 10 item 8 (it was 120,000).
        assertThat(run.out().strip()).matches("pbkdf2\\$600000\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+");
        assertThat(run.out() + run.err()).doesNotContain("correct horse");
        assertThat(typing("correct horse battery\n").out()).as("salted").isNotEqualTo(run.out());
    }

    @Test
    void noOrAShortPasswordIsAUsageError() {
        assertThat(typing("").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(typing("").err()).contains("No password on standard input");
        CliFixture.Run shortOne = typing("abc\n");
        assertThat(shortOne.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(shortOne.err()).contains("shorter than 8").doesNotContain("abc");
    }
}
