package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A bound windowed aggregation over a {@code has_many} relation. Each window is a feature of its own,
 * {@code user.txn_count[1h]} ({@link #window(Duration)}), produced by {@link Producer.Aggregated}.
 *
 * @param id the aggregation as declared ({@code user.txn_count}); not itself a feature
 * @param relation the {@code has_many} relation it runs over
 * @param of the related entity's aggregated feature; empty for count
 * @param time the related entity's event-time feature; a row at time {@code ts} is in window w at query time T when T − w < ts <= T
 * @param where condition over the related row (an expression of the related entity), when given
 * @param bucket {@code materialize: {bucket: …}}: partial aggregates per epoch-aligned bucket, when given
 * @param percentile the rank of {@code approx_percentile}, else 0.5
 * @param type the type of every window's values
 */
public record AggregationNode(
        FeatureId id,
        AggregateFunction function,
        RelationNode relation,
        Optional<FeatureId> of,
        FeatureId time,
        List<Duration> windows,
        Optional<Expression> where,
        Optional<Duration> bucket,
        double percentile,
        FeatureType type,
        SourceLocation location) {

    public AggregationNode {
        requireNonNull(id, "id is null");
        requireNonNull(function, "function is null");
        requireNonNull(relation, "relation is null");
        requireNonNull(of, "of is null");
        requireNonNull(time, "time is null");
        windows = List.copyOf(windows);
        requireNonNull(where, "where is null");
        requireNonNull(bucket, "bucket is null");
        requireNonNull(type, "type is null");
        requireNonNull(location, "location is null");
    }

    /** The feature of one window: {@code user.txn_count[1h]}. */
    public FeatureId window(Duration window) {
        return windowId(id, window);
    }

    /** The feature id of window {@code window} of aggregation {@code id}. */
    public static FeatureId windowId(FeatureId id, Duration window) {
        return new FeatureId(id.entity(), id.name() + "[" + Durations.format(window) + "]");
    }

    /** The declared windows as written back ({@code 1h, 1d}), for messages. */
    public String windowList() {
        return String.join(", ", windows.stream().map(Durations::format).toList());
    }
}
