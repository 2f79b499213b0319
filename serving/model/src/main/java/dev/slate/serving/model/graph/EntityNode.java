package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.Optional;

/**
 * An entity class: its primary key feature (type int or string), its default max staleness and, when it
 * declares one ({@code time: ts}), the datetime feature that holds the event time of its rows.
 */
public record EntityNode(
        String name,
        FeatureId key,
        FeatureType keyType,
        Optional<Duration> maxStaleness,
        Optional<FeatureId> time,
        SourceLocation location) {
    public EntityNode {
        requireNonNull(name, "name is null");
        requireNonNull(key, "key is null");
        requireNonNull(keyType, "keyType is null");
        requireNonNull(maxStaleness, "maxStaleness is null");
        requireNonNull(time, "time is null");
        requireNonNull(location, "location is null");
    }

    /** An entity without an event time. */
    public EntityNode(
            String name, FeatureId key, FeatureType keyType, Optional<Duration> maxStaleness, SourceLocation location) {
        this(name, key, keyType, maxStaleness, Optional.empty(), location);
    }
}
