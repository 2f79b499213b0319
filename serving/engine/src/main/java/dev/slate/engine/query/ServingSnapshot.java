package dev.slate.engine.query;

import static java.util.Objects.requireNonNull;

import dev.slate.engine.plan.Plan;
import dev.slate.engine.plan.Planner;
import dev.slate.engine.plan.PlanningException;
import dev.slate.engine.plan.QueryShape;
import dev.slate.model.deploy.ActiveDeployment;
import dev.slate.model.graph.FeatureNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What serves one environment: an active deployment and the plans made for it. Immutable apart from
 * the plan cache, which only ever grows with deterministic entries (and is bounded).
 */
public final class ServingSnapshot {

    static final int MAX_CACHED_PLANS = 10_000;

    private final ActiveDeployment deployment;
    private final Planner planner;
    private final Map<QueryShape, Plan> plans = new ConcurrentHashMap<>();
    private final Map<String, FeatureNode> byName;

    public ServingSnapshot(ActiveDeployment deployment) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.planner = new Planner(deployment.graph());
        Map<String, FeatureNode> names = new HashMap<>();
        for (FeatureNode f : deployment.graph().features().values()) {
            names.put(f.id().qualified(), f);
        }
        this.byName = Map.copyOf(names);
    }

    /** The feature named {@code entity.feature}, or null: one hash lookup, no parsing. */
    public FeatureNode feature(String qualifiedName) {
        return qualifiedName == null ? null : byName.get(qualifiedName);
    }

    public ActiveDeployment deployment() {
        return deployment;
    }

    /** The plan for a shape, made once and then served from the cache. */
    public Plan plan(QueryShape shape) throws PlanningException {
        Plan p = plans.get(shape);
        if (p != null) {
            return p;
        }
        p = planner.plan(shape);
        if (plans.size() >= MAX_CACHED_PLANS) {
            plans.clear(); // unbounded distinct shapes: start over rather than grow without limit
        }
        plans.put(shape, p);
        return p;
    }

    public int cachedPlans() {
        return plans.size();
    }
}
