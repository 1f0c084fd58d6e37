package io.vigil.setup;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The security code: what node 2 prints, what node 1 accepts as typed, and the typos it names. */
class SecurityCodeTest {

    @Test
    void aCodeIsSixteenUnambiguousCharactersInFourGroupsAndNeverPrintedByToString() {
        SecurityCode c = SecurityCode.random();
        assertThat(c.display()).matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}");
        assertThat(c.toString()).isEqualTo("SecurityCode[<redacted>]");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            seen.add(SecurityCode.random().display());
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void caseSpacesAndDashesDoNotMatterWhenTyped() throws SetupException {
        SecurityCode c = SecurityCode.random();
        String typed = " " + c.display().toLowerCase().replace("-", " ") + " ";
        assertThat(SecurityCode.parse(typed).display()).isEqualTo(c.display());
    }

    @Test
    void typosAreNamed() {
        assertThatThrownBy(() -> SecurityCode.parse("")).hasMessage("no security code given: type the code that"
                + " `vigil setup secondary` printed on node 2 (--code XXXX-XXXX-XXXX-XXXX)");
        assertThatThrownBy(() -> SecurityCode.parse("ABCD-EFGH-JKMN-PQRO")).hasMessage("the security code holds 'O',"
                + " which no code contains (codes use digits and the letters A-Z without I, L, O and U): type it"
                + " exactly as node 2 printed it");
        assertThatThrownBy(() -> SecurityCode.parse("ABCD-EFGH-JKMN")).hasMessage("the security code has 12"
                + " characters, not 16: type all four groups that node 2 printed");
    }
}
