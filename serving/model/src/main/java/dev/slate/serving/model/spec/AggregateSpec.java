package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A windowed aggregation as declared among an entity's features:
 * {@code spend: {aggregate: sum, of: amount, over: transactions, windows: [1d, 30d], where: "amount > 0.0", materialize: {bucket: 1h}}}.
 *
 * @param function as written ({@code count}, {@code sum}, ...)
 * @param over the name of a {@code has_many} relation of the same entity
 * @param of the related entity's feature that is aggregated ({@code amount} or {@code transactions.amount}); empty for count
 * @param time the related entity's event-time feature, when given here (else the related entity's {@code time})
 * @param windows in declaration order, each more than zero
 * @param where a CEL condition over the related row
 * @param bucket {@code materialize: {bucket: …}}, when given
 * @param percentile for {@code approx_percentile}: the rank in [0, 1]
 * @param type the declared result type, when given
 */
public record AggregateSpec(
        String entity,
        String name,
        String function,
        SourceLocation functionLocation,
        String over,
        SourceLocation overLocation,
        Optional<String> of,
        SourceLocation ofLocation,
        Optional<String> time,
        SourceLocation timeLocation,
        List<Duration> windows,
        SourceLocation windowsLocation,
        Optional<EmbeddedText> where,
        Optional<Duration> bucket,
        SourceLocation bucketLocation,
        Optional<Double> percentile,
        Optional<FeatureType> type,
        Optional<Duration> maxStaleness,
        Set<String> tags,
        Optional<String> description,
        SourceLocation location) {

    public AggregateSpec {
        requireNonNull(entity, "entity is null");
        requireNonNull(name, "name is null");
        requireNonNull(function, "function is null");
        requireNonNull(functionLocation, "functionLocation is null");
        requireNonNull(over, "over is null");
        requireNonNull(overLocation, "overLocation is null");
        requireNonNull(of, "of is null");
        requireNonNull(ofLocation, "ofLocation is null");
        requireNonNull(time, "time is null");
        requireNonNull(timeLocation, "timeLocation is null");
        windows = List.copyOf(windows);
        requireNonNull(windowsLocation, "windowsLocation is null");
        requireNonNull(where, "where is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(bucketLocation, "bucketLocation is null");
        requireNonNull(percentile, "percentile is null");
        requireNonNull(type, "type is null");
        requireNonNull(maxStaleness, "maxStaleness is null");
        tags = Set.copyOf(tags);
        requireNonNull(description, "description is null");
        requireNonNull(location, "location is null");
    }
}
