package dev.slate.serving.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.Expression;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.RelationNode;
import dev.slate.serving.model.graph.ResolverNode;
import java.util.List;
import java.util.Optional;

/**
 * One unit of work in a plan. Features are referred to by their slot index in the plan
 * ({@link Plan#features()}), so execution works over arrays.
 */
public sealed interface PlanStep {

    /** Slots this step reads. */
    int[] inputSlots();

    /** Slots this step fills. */
    int[] outputSlots();

    /** Runs a SQL resolver once per entity row; fills every output of the resolver that the plan needs. */
    record Resolve(ResolverNode resolver, int[] inputSlots, int[] outputSlots, List<String> outputColumns)
            implements PlanStep {
        public Resolve {
            requireNonNull(resolver, "resolver is null");
            requireNonNull(inputSlots, "inputSlots is null");
            requireNonNull(outputSlots, "outputSlots is null");
            outputColumns = List.copyOf(outputColumns);
        }
    }

    /** Evaluates one expression feature. */
    record Compute(Expression expression, int[] inputSlots, int outputSlot) implements PlanStep {
        public Compute {
            requireNonNull(expression, "expression is null");
            requireNonNull(inputSlots, "inputSlots is null");
        }

        @Override
        public int[] outputSlots() {
            return new int[] {outputSlot};
        }
    }

    /**
     * Follows a {@code has_one} relation: runs {@code related}, the plan of the related entity's features from the
     * foreign-key values (its store reads, resolvers and expressions, as for a top-level query), once per row.
     *
     * @param inputSlots the holder features' slots, in {@code related.shape().inputs()} order
     * @param outputSlots the path features' slots, in {@code related.shape().outputs()} order
     */
    record Follow(RelationNode relation, Plan related, int[] inputSlots, int[] outputSlots) implements PlanStep {
        public Follow {
            requireNonNull(relation, "relation is null");
            requireNonNull(related, "related is null");
            requireNonNull(inputSlots, "inputSlots is null");
            requireNonNull(outputSlots, "outputSlots is null");
        }
    }

    /**
     * Lists the related rows of a {@code has_many} relation as one value: the relation's {@code many: true} resolver
     * runs once per row with the query time and the bound pushed down (rows with {@code time <= now}, newest first,
     * at most {@code relation.limit() + 1}, the one over the limit only telling that the list was cut).
     *
     * @param inputSlots the referenced features' slots, in the order of {@code rows.parameters()}
     * @param fields the related entity's features each listed object holds, in object order
     */
    record ListRows(
            RelationNode relation,
            ResolverNode rows,
            FeatureId time,
            List<FeatureId> fields,
            int[] inputSlots,
            int outputSlot)
            implements PlanStep {
        public ListRows {
            requireNonNull(relation, "relation is null");
            requireNonNull(rows, "rows is null");
            requireNonNull(time, "time is null");
            fields = List.copyOf(fields);
            requireNonNull(inputSlots, "inputSlots is null");
        }

        @Override
        public int[] outputSlots() {
            return new int[] {outputSlot};
        }
    }

    /**
     * Computes windows of aggregations over one {@code has_many} relation from the related rows that the
     * relation's {@code many: true} resolver returns for the longest window (pushdown: one statement per row).
     *
     * @param inputSlots the referenced features' slots, in the order of {@code rows.parameters()}
     * @param windows what fills each of {@code outputSlots}
     */
    record Aggregate(
            RelationNode relation,
            ResolverNode rows,
            FeatureId time,
            int[] inputSlots,
            int[] outputSlots,
            List<Producer.Aggregated> windows)
            implements PlanStep {
        public Aggregate {
            requireNonNull(relation, "relation is null");
            requireNonNull(rows, "rows is null");
            requireNonNull(time, "time is null");
            requireNonNull(inputSlots, "inputSlots is null");
            requireNonNull(outputSlots, "outputSlots is null");
            windows = List.copyOf(windows);
        }
    }

    /**
     * Computes windows of materialized aggregations over one {@code has_many} relation from their epoch-aligned
     * buckets (docs/specs/aggregations.md, "Online: materialized"): one atomic read of the parent's buckets, merged.
     * When the buckets do not cover the longest window (never backfilled, or backfilled from a later time) and the
     * relation has a {@code many: true} resolver, {@code fallback} (pushdown) computes them instead.
     *
     * @param inputSlots the slot of the parent's key (the relation's one referenced feature)
     * @param fallback the pushdown step over the same windows, when the relation has a rows resolver
     */
    record MaterializedAggregate(
            RelationNode relation,
            FeatureId time,
            int[] inputSlots,
            int[] outputSlots,
            List<Producer.Aggregated> windows,
            Optional<Aggregate> fallback)
            implements PlanStep {
        public MaterializedAggregate {
            requireNonNull(relation, "relation is null");
            requireNonNull(time, "time is null");
            requireNonNull(inputSlots, "inputSlots is null");
            requireNonNull(outputSlots, "outputSlots is null");
            windows = List.copyOf(windows);
            requireNonNull(fallback, "fallback is null");
        }
    }
}
