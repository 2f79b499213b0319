package dev.slate.engine.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An immutable, cached execution plan for one {@link QueryShape} against one feature graph: the
 * subgraph needed for the outputs from the inputs. Steps are in dependency order.
 *
 * @param features every feature the plan touches, by slot
 * @param inputSlots slot of each input feature, in {@code shape.inputs()} order
 * @param outputSlots slot of each output, in {@code shape.outputs()} order
 * @param producerStep for each slot, the index of the step that fills it, or -1
 */
public record Plan(
        String hash,
        QueryShape shape,
        List<PlannedFeature> features,
        int[] inputSlots,
        int[] outputSlots,
        List<PlanStep> steps,
        int[] producerStep,
        List<StoreReadGroup> storeReads) {

    public Plan {
        requireNonNull(hash, "hash is null");
        requireNonNull(shape, "shape is null");
        features = List.copyOf(features);
        requireNonNull(inputSlots, "inputSlots is null");
        requireNonNull(outputSlots, "outputSlots is null");
        steps = List.copyOf(steps);
        requireNonNull(producerStep, "producerStep is null");
        storeReads = List.copyOf(storeReads);
    }

    /** A readable description of the plan; pinned by golden-file tests, so keep it deterministic. */
    public String explain() {
        return PlanExplainer.explain(this);
    }
}
