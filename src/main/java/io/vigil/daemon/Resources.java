package io.vigil.daemon;

import io.vigil.checker.CheckerSpec;
import io.vigil.config.CheckerSection;
import io.vigil.config.ResourceSection;
import io.vigil.resource.ResourceSpec;

import java.util.List;

/** Maps the configuration's resource sections to the process runner's specifications. */
final class Resources {
    private Resources() {
    }

    static List<ResourceSpec> fromConfig(List<ResourceSection> sections) {
        return sections.stream().map(Resources::spec).toList();
    }

    private static ResourceSpec spec(ResourceSection r) {
        return new ResourceSpec(r.name(), r.description(), r.start(), r.stop(), r.dependsOn(), r.env(), r.workDir(),
                r.startTimeoutMs(), r.stopTimeoutMs(), r.checkers().stream().map(Resources::checker).toList());
    }

    private static CheckerSpec checker(CheckerSection c) {
        return new CheckerSpec(CheckerSpec.Type.valueOf(c.type().name()), c.host(), c.port(), c.url(),
                c.expectStatus(), c.command(), c.intervalMs(), c.timeoutMs(), c.fall(), c.rise(), c.graceMs());
    }
}
