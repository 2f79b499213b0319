package dev.slate.serving.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.Producer;
import dev.slate.storage.spi.FeatureType;

/**
 * One requested output as an answer lists it, worked out once per plan so that answering a request
 * allocates nothing per output for it.
 *
 * @param name the qualified name ({@code user.email})
 * @param slot the output's slot in the plan's rows
 * @param keySlot the slot of its entity's key, or -1 when the query does not give the key
 * @param producedBy what produces it: a resolver name, {@code expression}, {@code input}, {@code ingested},
 *     {@code relation R} or {@code aggregation}
 * @param type the declared type of its values
 * @param listing whether it lists the rows of a {@code has_many} relation: its value is then a list of objects (one
 *     map per related row), whatever {@code type} says
 */
public record PlannedOutput(
        FeatureId feature, String name, int slot, int keySlot, String producedBy, FeatureType type, boolean listing) {
    public PlannedOutput {
        requireNonNull(feature, "feature is null");
        requireNonNull(name, "name is null");
        requireNonNull(producedBy, "producedBy is null");
        requireNonNull(type, "type is null");
    }

    static PlannedOutput of(PlannedFeature f) {
        String producedBy = f.origin() == PlannedFeature.Origin.INPUT
                ? "input"
                : switch (f.node().producer()) {
                    case Producer.Resolved r -> r.resolver();
                    case Producer.Computed c -> "expression";
                    case Producer.Ingested i -> "ingested";
                    case Producer.EntityKey k -> "input";
                    case Producer.Related r -> "relation " + r.relation().id();
                    case Producer.Listed l -> "relation " + l.relation().id();
                    case Producer.Aggregated a -> "aggregation";
                };
        return new PlannedOutput(
                f.node().id(),
                f.node().id().qualified(),
                f.slot(),
                f.keySlot(),
                producedBy,
                f.node().type(),
                f.node().producer() instanceof Producer.Listed);
    }
}
