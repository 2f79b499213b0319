package dev.slate.serving.engine.plan;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.graph.FeatureNode;
import java.time.Duration;
import java.util.Optional;

/**
 * A feature as the plan uses it.
 *
 * @param slot index in the per-row value arrays
 * @param origin where its value comes from when not found fresh in the online store
 * @param staleness the bound for this query (the request's override, else the feature's own)
 * @param readFromStore read from the online store before computing (fresh values are used as is)
 * @param writeBack write computed values back to the online store
 * @param keySlot slot of the entity's key in this plan, or -1 when the key is not known to the query
 */
public record PlannedFeature(
        FeatureNode node,
        int slot,
        Origin origin,
        Optional<Duration> staleness,
        boolean readFromStore,
        boolean writeBack,
        int keySlot) {
    public PlannedFeature {
        requireNonNull(node, "node is null");
        requireNonNull(origin, "origin is null");
        requireNonNull(staleness, "staleness is null");
    }

    public enum Origin {
        /** Given by the request. */
        INPUT,
        /** Filled by a plan step. */
        STEP,
        /** Only ever read from the store (ingested features); null when the store has no fresh value. */
        STORE
    }
}
