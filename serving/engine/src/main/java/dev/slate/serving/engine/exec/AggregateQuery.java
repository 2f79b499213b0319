package dev.slate.serving.engine.exec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.RowCondition;
import dev.slate.storage.spi.FeatureType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Windowed aggregates that a {@code many: true} resolver's source computes in one statement (pushdown,
 * docs/specs/aggregations.md "Online: pushdown"): over the rows whose {@code timeColumn} is in
 * {@code (after, until]}, each item's function over its own window {@code (item.after, until]} and {@code where}.
 * The runner answers one {@link AggregatePartial} per item, in order.
 */
public record AggregateQuery(String timeColumn, Instant after, Instant until, List<Item> items) {
    public AggregateQuery {
        requireNonNull(timeColumn, "timeColumn is null");
        requireNonNull(after, "after is null");
        requireNonNull(until, "until is null");
        items = List.copyOf(items);
    }

    /**
     * One aggregate.
     *
     * @param column the resolver column of the aggregated feature; empty for {@code count}
     * @param type the aggregated feature's type (ignored for {@code count})
     * @param after the window's exclusive lower bound
     * @param percentile the rank of {@code approx_percentile}
     * @param where the rows that count, as comparisons on resolver columns; empty = every row
     */
    public record Item(
            AggregateFunction function,
            Optional<String> column,
            FeatureType type,
            Instant after,
            double percentile,
            List<Condition> where) {
        public Item {
            requireNonNull(function, "function is null");
            requireNonNull(column, "column is null");
            requireNonNull(type, "type is null");
            requireNonNull(after, "after is null");
            where = List.copyOf(where);
        }
    }

    /** {@code column operator literal}, one comparison of a {@link RowCondition} on the resolver's column. */
    public record Condition(String column, FeatureType type, RowCondition.Operator operator, Object literal) {
        public Condition {
            requireNonNull(column, "column is null");
            requireNonNull(type, "type is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(literal, "literal is null");
        }
    }
}
