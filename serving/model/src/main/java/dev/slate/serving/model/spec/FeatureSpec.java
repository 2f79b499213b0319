package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A feature as declared in an entity's {@code features}.
 *
 * @param type empty when the declared type was unknown (already reported)
 * @param expression a CEL expression over the entity's features, when computed
 * @param maxStaleness the feature's own bound, when given
 * @param ingested filled by ingestion, never computed
 * @param etlOfflineToOnline its latest offline values are loaded into the online store (reverse ETL)
 * @param unsupported set for the placeholder of a feature declared in another form: {@link #RELATION} (see
 *     {@link RelationSpec}) or {@link #AGGREGATE} (see {@link AggregateSpec}); such a feature is no plain value
 *     of its entity (no resolver column, no expression variable)
 */
public record FeatureSpec(
        String entity,
        String name,
        Optional<FeatureType> type,
        Optional<EmbeddedText> expression,
        Optional<Duration> maxStaleness,
        boolean ingested,
        boolean etlOfflineToOnline,
        Set<String> tags,
        Optional<String> description,
        Optional<String> unsupported,
        SourceLocation location) {

    /** The placeholder of a {@code has_one} / {@code has_many} feature. */
    public static final String RELATION = "relation";
    /** The placeholder of an {@code aggregate} feature. */
    public static final String AGGREGATE = "aggregate";

    public FeatureSpec {
        requireNonNull(entity, "entity is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(expression, "expression is null");
        requireNonNull(maxStaleness, "maxStaleness is null");
        tags = Set.copyOf(tags);
        requireNonNull(description, "description is null");
        requireNonNull(unsupported, "unsupported is null");
        requireNonNull(location, "location is null");
    }

    /** A feature that is not loaded by reverse ETL. */
    public FeatureSpec(
            String entity,
            String name,
            Optional<FeatureType> type,
            Optional<EmbeddedText> expression,
            Optional<Duration> maxStaleness,
            boolean ingested,
            Set<String> tags,
            Optional<String> description,
            Optional<String> unsupported,
            SourceLocation location) {
        this(entity, name, type, expression, maxStaleness, ingested, false, tags, description, unsupported, location);
    }
}
