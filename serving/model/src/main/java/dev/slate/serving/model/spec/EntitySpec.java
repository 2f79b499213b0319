package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An entity as declared under {@code entities}.
 *
 * @param key the name of the primary-key feature, when given
 * @param maxStaleness default bound for the entity's features
 * @param features in declaration order (relations and aggregations are listed here too, as placeholders
 *     that keep their names taken; their declarations are in {@code relations} and {@code aggregates})
 * @param time the event-time feature of the entity's rows ({@code time: ts}), when given
 * @param relations {@code has_one} / {@code has_many} features, in declaration order
 * @param aggregates windowed aggregations, in declaration order
 */
public record EntitySpec(
        String name,
        Optional<String> key,
        SourceLocation keyLocation,
        Optional<Duration> maxStaleness,
        List<FeatureSpec> features,
        Optional<String> description,
        SourceLocation location,
        Optional<String> time,
        SourceLocation timeLocation,
        List<RelationSpec> relations,
        List<AggregateSpec> aggregates) {

    public EntitySpec {
        requireNonNull(name, "name is null");
        requireNonNull(key, "key is null");
        requireNonNull(keyLocation, "keyLocation is null");
        requireNonNull(maxStaleness, "maxStaleness is null");
        features = List.copyOf(features);
        requireNonNull(description, "description is null");
        requireNonNull(location, "location is null");
        requireNonNull(time, "time is null");
        requireNonNull(timeLocation, "timeLocation is null");
        relations = List.copyOf(relations);
        aggregates = List.copyOf(aggregates);
    }

    /** An entity without relations, aggregations or event time. */
    public EntitySpec(
            String name,
            Optional<String> key,
            SourceLocation keyLocation,
            Optional<Duration> maxStaleness,
            List<FeatureSpec> features,
            Optional<String> description,
            SourceLocation location) {
        this(
                name,
                key,
                keyLocation,
                maxStaleness,
                features,
                description,
                location,
                Optional.empty(),
                location,
                List.of(),
                List.of());
    }
}
