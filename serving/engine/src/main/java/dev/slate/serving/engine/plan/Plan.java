package dev.slate.serving.engine.plan;

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
 * @param outputs the outputs as the answer lists them, in {@code shape.outputs()} order (derived)
 */
public record Plan(
        String hash,
        QueryShape shape,
        List<PlannedFeature> features,
        int[] inputSlots,
        int[] outputSlots,
        List<PlanStep> steps,
        int[] producerStep,
        List<StoreReadGroup> storeReads,
        List<PlannedOutput> outputs) {

    public Plan {
        requireNonNull(hash, "hash is null");
        requireNonNull(shape, "shape is null");
        features = List.copyOf(features);
        requireNonNull(inputSlots, "inputSlots is null");
        requireNonNull(outputSlots, "outputSlots is null");
        steps = List.copyOf(steps);
        requireNonNull(producerStep, "producerStep is null");
        storeReads = List.copyOf(storeReads);
        outputs = List.copyOf(outputs);
    }

    /** A plan whose {@link #outputs()} are derived from its features and output slots. */
    public Plan(
            String hash,
            QueryShape shape,
            List<PlannedFeature> features,
            int[] inputSlots,
            int[] outputSlots,
            List<PlanStep> steps,
            int[] producerStep,
            List<StoreReadGroup> storeReads) {
        this(
                hash,
                shape,
                features,
                inputSlots,
                outputSlots,
                steps,
                producerStep,
                storeReads,
                outputsOf(features, outputSlots));
    }

    private static List<PlannedOutput> outputsOf(List<PlannedFeature> features, int[] outputSlots) {
        PlannedOutput[] out = new PlannedOutput[outputSlots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = PlannedOutput.of(features.get(outputSlots[i]));
        }
        return List.of(out);
    }

    /** A readable description of the plan; pinned by golden-file tests, so keep it deterministic. */
    public String explain() {
        return PlanExplainer.explain(this);
    }
}
