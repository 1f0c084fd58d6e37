package io.vigil.resource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks resource dependencies and orders resources so that each starts after what it depends on. */
final class DependencyGraph {

    private DependencyGraph() {
    }

    /**
     * Start order: dependencies first, otherwise the configured order (so the order an operator
     * sees in the application log is predictable).
     *
     * @throws IllegalArgumentException naming the resource on a duplicate name, an unknown
     *                                  dependency, or a cycle
     */
    static List<ResourceSpec> startOrder(List<ResourceSpec> specs) {
        Map<String, ResourceSpec> byName = new LinkedHashMap<>();
        for (ResourceSpec spec : specs) {
            if (byName.putIfAbsent(spec.name(), spec) != null) {
                throw new IllegalArgumentException("duplicate resource name '" + spec.name() + "'");
            }
        }
        for (ResourceSpec spec : specs) {
            for (String dep : spec.dependsOn()) {
                if (!byName.containsKey(dep)) {
                    throw new IllegalArgumentException("resource '" + spec.name()
                            + "' depends on unknown resource '" + dep + "'");
                }
            }
        }
        List<ResourceSpec> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Map<String, Integer> onPath = new HashMap<>();
        List<String> path = new ArrayList<>();
        for (ResourceSpec spec : specs) {
            visit(spec, byName, done, onPath, path, order);
        }
        return order;
    }

    private static void visit(ResourceSpec spec, Map<String, ResourceSpec> byName, Set<String> done,
                              Map<String, Integer> onPath, List<String> path, List<ResourceSpec> order) {
        if (done.contains(spec.name())) {
            return;
        }
        Integer at = onPath.get(spec.name());
        if (at != null) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(spec.name());
            throw new IllegalArgumentException("resource '" + spec.name() + "' is in a dependency cycle: "
                    + String.join(" -> ", cycle));
        }
        onPath.put(spec.name(), path.size());
        path.add(spec.name());
        for (String dep : spec.dependsOn()) {
            visit(byName.get(dep), byName, done, onPath, path, order);
        }
        path.remove(path.size() - 1);
        onPath.remove(spec.name());
        done.add(spec.name());
        order.add(spec);
    }
}
