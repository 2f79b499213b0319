package dev.slate.appliance.monitoring;

import dev.slate.control.alerts.MonitoredNames;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Alert rules check their {@code feature} and {@code reference} labels against these (docs/alerts.md). */
@Singleton
class ApplianceMonitoredNames implements MonitoredNames {

    private final ServingState serving;
    private final ReferenceStore references;

    ApplianceMonitoredNames(ServingState serving, ReferenceStore references) {
        this.serving = serving;
        this.references = references;
    }

    @Override
    public Optional<Set<String>> features(String environment) {
        Optional<ServingSnapshot> snapshot = serving.snapshot(environment);
        Set<String> out = new HashSet<>();
        snapshot.ifPresent(s -> s.deployment().graph().features().keySet().forEach(id -> out.add(id.qualified())));
        return Optional.of(out);
    }

    @Override
    public Map<String, Set<String>> references(String environment) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (ReferenceStore.Reference r : references.list(environment)) {
            out.put(r.name(), Set.copyOf(r.features().keySet()));
        }
        return out;
    }
}
