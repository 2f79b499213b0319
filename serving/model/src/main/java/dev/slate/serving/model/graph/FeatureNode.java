package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One feature in the compiled graph.
 *
 * @param maxStaleness effective bound: the feature's own, else its entity's; empty = no bound
 *     (cached values never go stale); {@code Duration.ZERO} = never cached
 * @param version short hash of everything that defines how this feature's value is computed
 *     (type, producer, resolver SQL and source, expression text); used to slot cached values
 * @param tags free-form tags (e.g. {@code pii})
 * @param etlOfflineToOnline reverse ETL loads the latest offline values of this feature into the online store
 *     ({@code etl_offline_to_online: true}); never true for a key or a never-cached ({@code 0s}) feature
 */
public record FeatureNode(
        FeatureId id,
        FeatureType type,
        Optional<Duration> maxStaleness,
        Producer producer,
        String version,
        Set<String> tags,
        boolean etlOfflineToOnline,
        SourceLocation location) {

    public FeatureNode {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(maxStaleness, "maxStaleness is null");
        requireNonNull(producer, "producer is null");
        requireNonNull(version, "version is null");
        tags = Set.copyOf(tags);
        requireNonNull(location, "location is null");
    }

    /** A feature that reverse ETL does not load. */
    public FeatureNode(
            FeatureId id,
            FeatureType type,
            Optional<Duration> maxStaleness,
            Producer producer,
            String version,
            Set<String> tags,
            SourceLocation location) {
        this(id, type, maxStaleness, producer, version, tags, false, location);
    }

    /** True when values of this feature may be served from the online store. */
    public boolean cacheable() {
        return maxStaleness.map(d -> !d.isZero()).orElse(true) && !(producer instanceof Producer.EntityKey);
    }
}
