package dev.slate.serving.engine.exec;

import dev.slate.serving.engine.aggregate.AggregatePartial;
import dev.slate.serving.engine.aggregate.AggregateState;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.graph.RowCondition;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.Values;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which windows of a pushdown aggregation step a source computes itself, and how its answer becomes the value
 * (docs/specs/aggregations.md, "Online: pushdown"). A window is computed by the source when its function has an
 * exact SQL form ({@code approx_count_distinct} has none: its sketch is Slate's), its {@code where} is a
 * {@link RowCondition} over columns the resolver selects, and, for {@code first}/{@code last}, its value is not a
 * string (a database orders strings by collation, Slate by code unit).
 */
final class SourceAggregates {
    private SourceAggregates() {}

    /** The item for {@code window} at {@code now}, or empty when Slate computes it from the rows. */
    static Optional<AggregateQuery.Item> item(
            FeatureGraph graph, ResolverNode rows, Producer.Aggregated window, Instant now) {
        AggregationNode a = window.aggregation();
        AggregateFunction f = a.function();
        if (f == AggregateFunction.APPROX_COUNT_DISTINCT) {
            return Optional.empty();
        }
        Optional<String> column = Optional.empty();
        FeatureType type = a.type();
        if (a.of().isPresent() && f != AggregateFunction.COUNT) {
            column = column(rows, a.of().get());
            FeatureNode of = graph.features().get(a.of().get());
            if (column.isEmpty() || of == null || !(of.type() instanceof FeatureType.Scalar scalar)) {
                return Optional.empty();
            }
            type = scalar;
            if ((f == AggregateFunction.FIRST || f == AggregateFunction.LAST) && scalar == FeatureType.Scalar.STRING) {
                return Optional.empty();
            }
        }
        List<AggregateQuery.Condition> where = new ArrayList<>();
        if (a.where().isPresent()) {
            Optional<RowCondition> condition = a.where().get().condition();
            if (condition.isEmpty()) {
                return Optional.empty();
            }
            for (RowCondition.Comparison c : condition.get().comparisons()) {
                Optional<String> c2 = column(rows, c.feature());
                if (c2.isEmpty()) {
                    return Optional.empty();
                }
                where.add(new AggregateQuery.Condition(c2.get(), c.type(), c.operator(), c.literal()));
            }
        }
        return Optional.of(new AggregateQuery.Item(f, column, type, now.minus(window.window()), a.percentile(), where));
    }

    /** The value of {@code aggregation} from the source's partial. */
    static Object value(AggregationNode aggregation, AggregatePartial partial) {
        Object v = AggregateState.resultOf(aggregation.function(), aggregation.type(), partial);
        return switch (aggregation.function()) {
            case MIN, MAX, FIRST, LAST, APPROX_PERCENTILE -> v == null ? null : Values.coerce(aggregation.type(), v);
            default -> v;
        };
    }

    private static Optional<String> column(ResolverNode rows, FeatureId feature) {
        for (ResolverNode.Output o : rows.outputs()) {
            if (o.feature().equals(feature)) {
                return Optional.of(o.column());
            }
        }
        return Optional.empty();
    }
}
