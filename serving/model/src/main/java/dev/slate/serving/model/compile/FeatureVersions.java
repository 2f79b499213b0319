package dev.slate.serving.model.compile;

import dev.slate.serving.model.FeatureId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Feature versions: the first 12 hex characters of SHA-256 over what defines the feature (type and
 * producer: resolver source, SQL and column; expression text; "ingested") and the ids and versions
 * of what it depends on. A change anywhere upstream changes every version downstream.
 * Requires an acyclic graph.
 */
final class FeatureVersions {
    static final int LENGTH = 12;

    private final Map<FeatureId, List<FeatureId>> edges;
    private final Function<FeatureId, List<String>> definition;
    private final Map<FeatureId, String> versions = new HashMap<>();

    FeatureVersions(Map<FeatureId, List<FeatureId>> edges, Function<FeatureId, List<String>> definition) {
        this.edges = edges;
        this.definition = definition;
    }

    String of(FeatureId id) {
        String known = versions.get(id);
        if (known != null) {
            return known;
        }
        List<String> parts = new ArrayList<>(definition.apply(id));
        for (FeatureId dep : edges.getOrDefault(id, List.of())) {
            parts.add(dep.qualified());
            parts.add(of(dep));
        }
        String version = ContentHash.sha256(parts.toArray(String[]::new)).substring(0, LENGTH);
        versions.put(id, version);
        return version;
    }
}
