package io.vigil.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceValidationTest {

    private static ResourceSpec spec(String name, String... deps) {
        return ResourceSpec.of(name, name, List.of("true")).withDependsOn(deps);
    }

    @Test
    void a_dependency_cycle_is_rejected_naming_the_cycle() {
        List<ResourceSpec> specs = List.of(spec("db"), spec("mgmt", "db", "event"), spec("event", "mgmt"));
        assertThatThrownBy(() -> ResourceManager.validate(specs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dependency cycle")
                .hasMessageContaining("mgmt -> event -> mgmt");
    }

    @Test
    void a_resource_depending_on_itself_is_a_cycle() {
        assertThatThrownBy(() -> ResourceManager.validate(List.of(spec("db", "db"))))
                .hasMessageContaining("resource 'db' is in a dependency cycle: db -> db");
    }

    @Test
    void an_unknown_dependency_names_the_resource_and_the_missing_name() {
        assertThatThrownBy(() -> new ResourceManager(List.of(spec("mgmt", "database")), (r, l) -> { }, new ResourceManager.Listener() {
            @Override
            public void resourceFailed(String name, String detail) {
            }

            @Override
            public void resourceRecovered(String name) {
            }
        }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource 'mgmt' depends on unknown resource 'database'");
    }

    @Test
    void duplicate_names_are_rejected() {
        assertThatThrownBy(() -> ResourceManager.validate(List.of(spec("db"), spec("db"))))
                .hasMessage("duplicate resource name 'db'");
    }

    @Test
    void names_must_be_lowercase_internal_names() {
        assertThatThrownBy(() -> spec("Mgmt Server"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[a-z0-9-]+");
    }

    @Test
    void start_order_puts_dependencies_first_and_otherwise_keeps_the_configured_order() {
        List<ResourceSpec> specs = List.of(spec("log"), spec("mgmt", "db"), spec("event", "mgmt"), spec("db"));
        assertThat(DependencyGraph.startOrder(specs)).extracting(ResourceSpec::name)
                .containsExactly("log", "db", "mgmt", "event");
    }
}
