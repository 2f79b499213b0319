package dev.slate.serving.engine.query;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.Planner;
import dev.slate.serving.engine.plan.PlanningException;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.NamedQuery;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
    private final Map<String, NavigableMap<Integer, NamedPlan>> namedQueries;
    private final Map<String, FeatureNode> derived = new ConcurrentHashMap<>();
    private static final int MAX_DERIVED_NAME = 300;

    public ServingSnapshot(ActiveDeployment deployment) {
        this.deployment = requireNonNull(deployment, "deployment is null");
        this.planner = new Planner(deployment.graph());
        Map<String, FeatureNode> names = new HashMap<>();
        for (FeatureNode f : deployment.graph().features().values()) {
            names.put(f.id().qualified(), f);
        }
        this.byName = Map.copyOf(names);
        this.namedQueries = planNamedQueries();
    }

    /** A named query of the deployment with its plan, made when the snapshot was built; {@code failure} says why there is none. */
    public record NamedPlan(NamedQuery query, Plan plan, String failure) {}

    /** Plans every named query now, so that a call finds its plan ready (deployment-time planning). */
    private Map<String, NavigableMap<Integer, NamedPlan>> planNamedQueries() {
        Map<String, NavigableMap<Integer, NamedPlan>> out = new HashMap<>();
        for (NamedQuery q : deployment.graph().namedQueries()) {
            NamedPlan named;
            try {
                named = new NamedPlan(
                        q, plan(QueryShape.of(new HashSet<>(q.inputs()), q.outputs(), q.staleness())), null);
            } catch (PlanningException e) { // the compiler checks that every named query can be planned: not expected
                named = new NamedPlan(q, null, e.getMessage());
            }
            out.computeIfAbsent(q.name(), k -> new TreeMap<>()).put(q.version(), named);
        }
        out.replaceAll((k, v) -> Collections.unmodifiableNavigableMap(v));
        return Map.copyOf(out);
    }

    /**
     * The named query {@code name} at {@code version}, or at its highest version when {@code version} is null;
     * empty when the deployment declares no such query.
     */
    public Optional<NamedPlan> namedQuery(String name, Integer version) {
        NavigableMap<Integer, NamedPlan> versions = name == null ? null : namedQueries.get(name);
        if (versions == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(version == null ? versions.lastEntry().getValue() : versions.get(version));
    }

    /** The declared names of named queries, sorted. */
    public SortedSet<String> namedQueryNames() {
        return new TreeSet<>(namedQueries.keySet());
    }

    /**
     * The feature named {@code entity.feature}, or null: one hash lookup for declared features; a feature read
     * through relations ({@code transaction.user.age}) or a window written another way ({@code user.txn_count[60m]}
     * for {@code [1h]}) is worked out once and remembered.
     */
    public FeatureNode feature(String qualifiedName) {
        if (qualifiedName == null) {
            return null;
        }
        FeatureNode declared = byName.get(qualifiedName);
        if (declared != null) {
            return declared;
        }
        FeatureNode known = derived.get(qualifiedName);
        if (known != null) {
            return known;
        }
        int dot = qualifiedName.indexOf('.');
        if (dot <= 0 || dot == qualifiedName.length() - 1 || qualifiedName.length() > MAX_DERIVED_NAME) {
            return null;
        }
        FeatureId id = new FeatureId(qualifiedName.substring(0, dot), qualifiedName.substring(dot + 1));
        FeatureNode found = deployment
                .graph()
                .feature(id)
                .or(() -> FeatureNames.canonicalWindow(deployment.graph(), id))
                .orElse(null);
        if (found != null) {
            if (this.derived.size() >= MAX_CACHED_PLANS) {
                this.derived.clear();
            }
            this.derived.put(qualifiedName, found);
        }
        return found;
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
