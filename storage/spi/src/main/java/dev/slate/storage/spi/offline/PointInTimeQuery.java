package dev.slate.storage.spi.offline;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a point-in-time lookup asks: for each spine row (an instance of {@code entity} in {@code namespace}
 * and a time), the value each feature had then. The spine may hold the same row several times.
 */
public record PointInTimeQuery(String namespace, String entity, List<SpineRow> spine, List<FeatureLookup> features) {
    public PointInTimeQuery {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(entity, "entity is null");
        spine = List.copyOf(spine);
        features = List.copyOf(features);
    }
}
