package io.vigil.console;

import io.vigil.security.PasswordHash;

import org.junit.jupiter.api.Test;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The gates before the password hash, and the move from 120k to 600k PBKDF2 iterations (issue 10 item 8). */
class PasswordCheckTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> log = new ArrayList<>();

    /** A hash in the stored form `vigil config hash-password` wrote before issue 10: 120,000 iterations. */
    private static String oldStoredHash(String password) throws Exception {
        byte[] salt = "sixteen byte slt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 120_000, 256)).getEncoded();
        return "pbkdf2$120000$" + Base64.getEncoder().encodeToString(salt) + "$" + Base64.getEncoder().encodeToString(hash);
    }

    @Test
    void hashPasswordWritesSixHundredThousandIterations() {
        assertThat(ConsoleServer.hashPassword("correct horse")).startsWith("pbkdf2$600000$");
        assertThat(PasswordHash.of("correct horse").outdated()).isFalse();
    }

    @Test
    void anOldStoredHashStillLogsInAndIsUpgradedInMemoryAtTheFirstSuccess() throws Exception {
        PasswordCheck check = new PasswordCheck(PasswordHash.of(oldStoredHash("battery staple")),
                new LoginGuard(now::get), log::add);
        assertThat(check.storedIterations()).isEqualTo(120_000);

        assertThat(check.check("10.0.0.5", "admin", "wrong").verdict()).isEqualTo(PasswordCheck.Verdict.WRONG);
        assertThat(check.storedIterations()).as("no upgrade on a failure").isEqualTo(120_000);
        now.addAndGet(1000);
        assertThat(check.check("10.0.0.5", "admin", "battery staple").verdict()).isEqualTo(PasswordCheck.Verdict.OK);
        assertThat(check.storedIterations()).isEqualTo(PasswordHash.ITERATIONS);
        assertThat(check.check("10.0.0.5", "admin", "battery staple").verdict())
                .as("the upgraded hash checks the same password").isEqualTo(PasswordCheck.Verdict.OK);
        assertThat(log).singleElement().asString().contains("120000").contains("hash-password")
                .doesNotContain("battery");
    }

    @Test
    void anAddressInItsBackOffIsRefusedWithoutHashing() {
        PasswordCheck check = new PasswordCheck(PasswordHash.of("battery staple"), new LoginGuard(now::get), log::add);
        assertThat(check.check("10.0.0.5", "admin", "wrong").verdict()).isEqualTo(PasswordCheck.Verdict.WRONG);
        PasswordCheck.Result second = check.check("10.0.0.5", "admin", "battery staple");
        assertThat(second.verdict()).isEqualTo(PasswordCheck.Verdict.RATE_LIMITED);
        assertThat(second.retryAfterSeconds()).isEqualTo(1);
        assertThat(check.hashesRun()).isEqualTo(1);
        assertThat(check.rateLimited()).isEqualTo(1);
    }
}
