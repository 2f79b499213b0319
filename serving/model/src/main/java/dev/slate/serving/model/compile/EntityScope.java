package dev.slate.serving.model.compile;

import dev.slate.serving.model.spec.EntitySpec;
import dev.slate.serving.model.spec.FeatureSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The features of one entity by name, as resolvers and expressions see them. */
record EntityScope(EntitySpec spec, Map<String, FeatureSpec> features) {

    static EntityScope of(EntitySpec spec) {
        Map<String, FeatureSpec> features = new LinkedHashMap<>();
        for (FeatureSpec f : spec.features()) {
            features.putIfAbsent(f.name(), f);
        }
        return new EntityScope(spec, Collections.unmodifiableMap(features));
    }

    String name() {
        return spec.name();
    }

    Optional<String> key() {
        return spec.key();
    }

    /** Features that can be read and written (has_many and aggregate features are not, yet). */
    boolean hasUsable(String feature) {
        FeatureSpec f = features.get(feature);
        return f != null && f.unsupported().isEmpty();
    }

    Set<String> usableNames() {
        Set<String> names = new LinkedHashSet<>();
        features.forEach((n, f) -> {
            if (f.unsupported().isEmpty()) {
                names.add(n);
            }
        });
        return names;
    }
}
