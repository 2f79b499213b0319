package dev.slate.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.model.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An entity as declared under {@code entities}.
 *
 * @param key the name of the primary-key feature, when given
 * @param maxStaleness default bound for the entity's features
 * @param features in declaration order
 */
public record EntitySpec(
        String name,
        Optional<String> key,
        SourceLocation keyLocation,
        Optional<Duration> maxStaleness,
        List<FeatureSpec> features,
        Optional<String> description,
        SourceLocation location) {

    public EntitySpec {
        requireNonNull(name, "name is null");
        requireNonNull(key, "key is null");
        requireNonNull(keyLocation, "keyLocation is null");
        requireNonNull(maxStaleness, "maxStaleness is null");
        features = List.copyOf(features);
        requireNonNull(description, "description is null");
        requireNonNull(location, "location is null");
    }
}
