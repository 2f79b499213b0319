package dev.slate.serving.engine.query;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.exec.RowResult;
import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.PlannedFeature;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The values one query computed: every feature a plan step produced for a row whose entity key is
 * known (not inputs, not values served from the online store, not failures; a computed null is a
 * value). A view over the query's result arrays: building the {@link ObservedValue}s is left to the
 * consumer, off the response path.
 */
public final class ComputedValues {

    private final String environment;
    private final String deploymentId;
    private final String queryId;
    private final Plan plan;
    private final List<RowResult> rows;
    private int size = -1;

    ComputedValues(String environment, String deploymentId, String queryId, Plan plan, List<RowResult> rows) {
        this.environment = requireNonNull(environment, "environment is null");
        this.deploymentId = requireNonNull(deploymentId, "deploymentId is null");
        this.queryId = requireNonNull(queryId, "queryId is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.rows = requireNonNull(rows, "rows is null");
    }

    public String environment() {
        return environment;
    }

    public String queryId() {
        return queryId;
    }

    /** How many values {@link #forEach} yields. */
    public int size() {
        if (size < 0) {
            int n = 0;
            for (PlannedFeature f : plan.features()) {
                if (logged(f)) {
                    for (RowResult r : rows) {
                        if (computed(f, r)) {
                            n++;
                        }
                    }
                }
            }
            size = n;
        }
        return size;
    }

    /** Yields the computed values as observations, feature by feature, rows in order. */
    public void forEach(Consumer<ObservedValue> sink) {
        for (PlannedFeature f : plan.features()) {
            if (!logged(f)) {
                continue;
            }
            FeatureNode node = f.node();
            FeatureSlot slot = new FeatureSlot(node.id().name(), node.version(), node.type());
            Provenance provenance = Provenance.computed(queryId, resolverOf(node), deploymentId);
            for (RowResult r : rows) {
                if (computed(f, r)) {
                    sink.accept(new ObservedValue(
                            environment,
                            node.id().entity(),
                            EntityKey.of(r.values()[f.keySlot()]),
                            slot,
                            r.values()[f.slot()],
                            r.observedAt()[f.slot()],
                            provenance));
                }
            }
        }
    }

    public String deploymentId() {
        return deploymentId;
    }

    /** Receives the computed values without building an object per value: each feature once, then its values. */
    public interface Sink {
        /** Declares a feature; returns the index its values are given with. */
        int feature(String entity, FeatureSlot slot, String resolver);

        /** One value of a declared feature: the entity key, the value (null is a value) and when it was computed. */
        void value(int feature, Object key, Object value, Instant observedAt);
    }

    /** Gives the same values as {@link #forEach}, in the same order, to {@code sink}. */
    public void writeTo(Sink sink) {
        for (PlannedFeature f : plan.features()) {
            if (!logged(f)) {
                continue;
            }
            int index = -1;
            int s = f.slot();
            for (RowResult r : rows) {
                if (computed(f, r)) {
                    if (index < 0) {
                        FeatureNode node = f.node();
                        index = sink.feature(
                                node.id().entity(),
                                new FeatureSlot(node.id().name(), node.version(), node.type()),
                                resolverOf(node));
                    }
                    sink.value(index, r.values()[f.keySlot()], r.values()[s], r.observedAt()[s]);
                }
            }
        }
    }

    private static boolean logged(PlannedFeature f) {
        // a feature read through a relation is not logged: offline reads it through the relation
        // (docs/specs/aggregations.md)
        // nor is a has_many listing: offline lists no related rows (docs/specs/aggregations.md)
        return f.origin() == PlannedFeature.Origin.STEP
                && f.keySlot() >= 0
                && !(f.node().producer() instanceof Producer.Related)
                && !(f.node().producer() instanceof Producer.Listed);
    }

    private static boolean computed(PlannedFeature f, RowResult r) {
        int s = f.slot();
        return r.observedAt()[s] != null
                && !r.cacheHit()[s]
                && r.errors()[s] == null
                && r.values()[f.keySlot()] != null;
    }

    private static String resolverOf(FeatureNode node) {
        return switch (node.producer()) {
            case Producer.Resolved res -> res.resolver();
            case Producer.Computed c -> "expression";
            case Producer.Ingested i -> "ingested";
            case Producer.EntityKey k -> "key";
            case Producer.Related r -> "relation";
            case Producer.Listed l -> "relation";
            case Producer.Aggregated a -> "aggregation";
        };
    }
}
