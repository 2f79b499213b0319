package dev.slate.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.slate.model.graph.Expression;
import dev.slate.model.graph.ResolverNode;
import java.util.List;

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
    record Resolve(ResolverNode resolver, int[] inputSlots, int[] outputSlots, List<String> outputColumns) implements PlanStep {
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
}
