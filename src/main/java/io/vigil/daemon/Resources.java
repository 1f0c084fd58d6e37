package io.vigil.daemon;

import io.vigil.checker.CheckerSpec;
import io.vigil.config.CheckerSection;
import io.vigil.config.ResourceSection;
import io.vigil.resource.ResourceSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps the configuration's resource sections to the process runner's specifications. */
final class Resources {
    private Resources() {
    }

    static List<ResourceSpec> fromConfig(List<ResourceSection> sections) {
        return fromConfig(sections, Map.of());
    }

    /** {@code commonEnv} (the database's address) is given to every resource; its own env wins. */
    static List<ResourceSpec> fromConfig(List<ResourceSection> sections, Map<String, String> commonEnv) {
        return sections.stream().map(r -> spec(r, commonEnv)).toList();
    }

    private static ResourceSpec spec(ResourceSection r, Map<String, String> commonEnv) {
        Map<String, String> env = new LinkedHashMap<>(commonEnv);
        env.putAll(r.env());
        return new ResourceSpec(r.name(), r.description(), r.start(), r.stop(), r.dependsOn(), env, r.workDir(),
                r.startTimeoutMs(), r.stopTimeoutMs(), r.checkers().stream().map(Resources::checker).toList(),
                r.warmStandby());
    }

    private static CheckerSpec checker(CheckerSection c) {
        return new CheckerSpec(CheckerSpec.Type.valueOf(c.type().name()), c.host(), c.port(), c.url(),
                c.expectStatus(), c.command(), c.intervalMs(), c.timeoutMs(), c.fall(), c.rise(), c.graceMs());
    }
}
