package io.vigil.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.core.BootMode;
import io.vigil.core.Colour;
import io.vigil.core.NodeState;
import io.vigil.core.NodeStatus;
import io.vigil.core.ServicesPhase;
import io.vigil.core.SyncStatus;
import io.vigil.resource.Phase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Every string of the console comes from the en/fr/ja bundles (issue 5), and every key it uses exists in each. */
class I18nBundlesTest {

    private static final List<String> LANGUAGES = List.of("en", "fr", "ja");

    private static String resource(String name) throws IOException {
        try (InputStream in = ConsoleServer.class.getResourceAsStream("web/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Set<String> keys(String lang) throws IOException {
        JsonNode b = ApiClient.JSON.readTree(resource("i18n/" + lang + ".json"));
        Set<String> keys = new TreeSet<>();
        b.fields().forEachRemaining(e -> {
            assertThat(e.getValue().asText()).as(lang + " " + e.getKey()).isNotBlank();
            keys.add(e.getKey());
        });
        return keys;
    }

    @Test
    void theThreeBundlesHaveTheSameKeys() throws IOException {
        Set<String> en = keys("en");
        assertThat(keys("fr")).isEqualTo(en);
        assertThat(keys("ja")).isEqualTo(en);
    }

    @Test
    void everyKeyThePageAndScriptsUseExistsInEveryBundle() throws IOException {
        Set<String> used = new TreeSet<>();
        collect(used, resource("index.html"), "data-i18n=\"([^\"]+)\"");
        for (String js : List.of("i18n.js", "views.js", "console.js")) {
            collect(used, resource(js), "\\bt\\('([A-Za-z0-9.\\-]*[A-Za-z0-9\\-])'"); // not 'state.' + x: enums below
        }
        for (NodeState s : NodeState.values()) {
            used.add("state." + s);
            used.add("stateHelp." + s);
        }
        used.add("state.unreachable");
        used.add("stateHelp.unreachable");
        for (SyncStatus s : SyncStatus.values()) {
            used.add("sync." + s);
        }
        for (ServicesPhase s : ServicesPhase.values()) {
            used.add("services." + s);
        }
        for (Phase p : Phase.values()) {
            used.add("phase." + p);
        }
        for (BootMode b : BootMode.values()) {
            used.add("boot." + b);
        }
        for (ActionRules.Def d : ActionRules.DEFS) {
            used.add("menu." + d.id());
            used.add("confirm." + d.id());
        }
        for (String c : List.of("cluster-start", "cluster-stop", "cluster-restart")) {
            used.add("menu." + c);
            used.add("confirm." + c);
        }
        used.addAll(reasons());
        assertThat(used).hasSizeGreaterThan(100);
        for (String lang : LANGUAGES) {
            assertThat(keys(lang)).as(lang).containsAll(used);
        }
    }

    @Test
    void thePageItselfHoldsNoTextOutsideTheBundles() throws IOException {
        String html = resource("index.html").replaceAll("(?s)<!DOCTYPE[^>]*>", "").replaceAll("(?s)<[^>]+>", "");
        assertThat(html.strip()).isEmpty();
    }

    /** The reasons ActionRules gives, over states that disable each kind of action. */
    private static Set<String> reasons() {
        Set<String> r = new TreeSet<>();
        ActionRules.unreachable().values().forEach(a -> r.add(a.reason()));
        for (NodeState s : NodeState.values()) {
            for (boolean flag : new boolean[] {true, false}) {
                NodeStatus n = status(s, flag);
                ActionRules.of(n, flag ? status(NodeState.WAIT, flag) : null).values().stream()
                        .filter(a -> !a.enabled()).forEach(a -> r.add(a.reason()));
            }
        }
        assertThat(r).doesNotContainNull();
        return r;
    }

    private static NodeStatus status(NodeState s, boolean flag) {
        return new NodeStatus(1, s, Colour.GREEN, "", 1, 1, SyncStatus.UPTODATE, ServicesPhase.IDLE, true, true,
                NodeState.SECOND, SyncStatus.UPTODATE, flag, flag, flag, BootMode.KEEP, false, false, 0, List.of(), -1);
    }

    private static void collect(Set<String> into, String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        into.addAll(found);
    }
}
