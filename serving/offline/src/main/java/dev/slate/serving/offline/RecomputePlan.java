package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.PlannedFeature;
import dev.slate.serving.engine.plan.PlanningException;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer.Computed;
import dev.slate.serving.model.graph.Producer.EntityKey;
import dev.slate.serving.model.graph.Producer.Related;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.ExportedFeature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a job's recomputed outputs are computed for one spine row: the serving engine's plan for them, made
 * with the spine's keys as inputs (so every resolver and expression on the way is re-run, exactly as an
 * online query that finds nothing in the online store would), plus the ingested features the plan reads.
 * An ingested feature has no resolver to re-run: it is read point-in-time from the feature log (with its
 * own {@code max_staleness}) and given to the plan as an input.
 *
 * <p>A <em>derive</em> plan ({@link #derive}) computes expression outputs the same way, except that only
 * expressions are evaluated: every feature the expressions reach that is not itself an expression (a
 * resolver output, an ingested feature) is read point-in-time from the log, as an output read from the log
 * would be, and given to the plan as an input.
 *
 * @param outputs the job's outputs this plan computes, in the order of the plan's outputs
 * @param plan the engine plan
 * @param inputs one per plan input, in {@code plan.shape().inputs()} order: where its value comes from
 * @param logged the features read from the log, in the order {@link Input.Logged#index()} uses
 */
record RecomputePlan(List<OfflineQueryPlan.Output> outputs, Plan plan, List<Input> inputs, List<LoggedInput> logged) {

    RecomputePlan {
        outputs = List.copyOf(outputs);
        requireNonNull(plan, "plan is null");
        inputs = List.copyOf(inputs);
        logged = List.copyOf(logged);
    }

    /** Where one plan input comes from. */
    sealed interface Input {
        /** The spine's key column {@code column} (index into {@link OfflineQueryPlan#keys()}). */
        record Key(int column) implements Input {}

        /** The log value of {@code logged().get(index)}. */
        record Logged(int index) implements Input {}
    }

    /** An ingested feature read point-in-time from the log; {@code lookup().column()} is its qualified name. */
    record LoggedInput(String entity, FeatureType type, ExportedFeature lookup) {
        LoggedInput {
            requireNonNull(entity, "entity is null");
            requireNonNull(type, "type is null");
            requireNonNull(lookup, "lookup is null");
        }
    }

    /** The entities of the logged inputs, in order of first use. */
    List<String> loggedEntities() {
        return logged.stream().map(LoggedInput::entity).distinct().toList();
    }

    /**
     * Plans the recomputed outputs of {@code query} against {@code snapshot} (the deployment the query was
     * bound against).
     *
     * @throws PlanningException when an output cannot be computed from the spine's keys (e.g. it needs the
     *     key of an entity the spine does not have)
     */
    static RecomputePlan of(ServingSnapshot snapshot, OfflineQueryPlan query) throws PlanningException {
        Map<FeatureId, Integer> keyColumns = new LinkedHashMap<>();
        for (int i = 0; i < query.keys().size(); i++) {
            keyColumns.put(node(snapshot, query.keys().get(i).name()).id(), i);
        }
        List<FeatureId> outputs = new ArrayList<>();
        for (OfflineQueryPlan.Output o : query.recomputedOutputs()) {
            outputs.add(node(snapshot, o.name()).id());
        }
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("the query recomputes nothing");
        }
        Plan first = snapshot.plan(QueryShape.of(keyColumns.keySet(), outputs, Map.of()));
        Set<FeatureId> inputs = new TreeSet<>(keyColumns.keySet());
        List<LoggedInput> logged = new ArrayList<>();
        Map<FeatureId, Integer> loggedIndex = new LinkedHashMap<>();
        for (PlannedFeature f : first.features()) {
            if (f.origin() == PlannedFeature.Origin.STORE) {
                FeatureNode n = f.node();
                OfflineQueryPlan.Output slot = new OfflineQueryPlan.Output(
                        n.id().qualified(),
                        n.id().entity(),
                        n.id().name(),
                        n.version(),
                        n.type().spelling(),
                        OfflineQueryPlan.Output.micros(n.maxStaleness()),
                        false);
                loggedIndex.put(n.id(), logged.size());
                logged.add(new LoggedInput(
                        n.id().entity(), n.type(), new ExportedFeature(slot.lookup(), n.id().qualified())));
                inputs.add(n.id());
            }
        }
        Plan plan = logged.isEmpty() ? first : snapshot.plan(QueryShape.of(inputs, outputs, Map.of()));
        List<Input> sources = new ArrayList<>();
        for (FeatureId id : plan.shape().inputs()) {
            Integer key = keyColumns.get(id);
            sources.add(key != null ? new Input.Key(key) : new Input.Logged(loggedIndex.get(id)));
        }
        return new RecomputePlan(query.recomputedOutputs(), plan, sources, logged);
    }

    /**
     * Plans the derived outputs of {@code query}: their expressions, over the point-in-time log values of every
     * non-expression feature they reach (and the spine's keys).
     *
     * @throws PlanningException when an expression needs the key of an entity the spine does not have
     */
    static RecomputePlan derive(ServingSnapshot snapshot, OfflineQueryPlan query) throws PlanningException {
        Map<FeatureId, Integer> keyColumns = new LinkedHashMap<>();
        for (int i = 0; i < query.keys().size(); i++) {
            keyColumns.put(node(snapshot, query.keys().get(i).name()).id(), i);
        }
        List<FeatureId> outputs = new ArrayList<>();
        Set<FeatureId> leaves = new LinkedHashSet<>();
        for (OfflineQueryPlan.Output o : query.derivedOutputs()) {
            FeatureId id = node(snapshot, o.name()).id();
            outputs.add(id);
            leaves(snapshot, id, keyColumns.keySet(), leaves, new HashSet<>());
        }
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("the query derives nothing");
        }
        Set<FeatureId> inputs = new TreeSet<>(keyColumns.keySet());
        List<LoggedInput> logged = new ArrayList<>();
        Map<FeatureId, Integer> loggedIndex = new LinkedHashMap<>();
        for (FeatureId id : leaves) {
            FeatureNode n = snapshot.deployment().graph().features().get(id);
            if (n.producer() instanceof EntityKey) {
                throw new PlanningException("missing input " + id + " (key of entity " + id.entity() + ")");
            }
            OfflineQueryPlan.Output slot = new OfflineQueryPlan.Output(
                    n.id().qualified(),
                    n.id().entity(),
                    n.id().name(),
                    n.version(),
                    n.type().spelling(),
                    OfflineQueryPlan.Output.micros(n.maxStaleness()),
                    false);
            loggedIndex.put(n.id(), logged.size());
            logged.add(
                    new LoggedInput(n.id().entity(), n.type(), new ExportedFeature(slot.lookup(), n.id().qualified())));
            inputs.add(n.id());
        }
        Plan plan = snapshot.plan(QueryShape.of(inputs, outputs, Map.of()));
        List<Input> sources = new ArrayList<>();
        for (FeatureId id : plan.shape().inputs()) {
            Integer key = keyColumns.get(id);
            sources.add(key != null ? new Input.Key(key) : new Input.Logged(loggedIndex.get(id)));
        }
        return new RecomputePlan(query.derivedOutputs(), plan, sources, logged);
    }

    /** Collects the features below expression {@code id} that are not expressions and not spine keys. */
    private static void leaves(
            ServingSnapshot snapshot, FeatureId id, Set<FeatureId> keys, Set<FeatureId> into, Set<FeatureId> seen)
            throws PlanningException {
        if (keys.contains(id) || !seen.add(id)) {
            return;
        }
        FeatureNode n = snapshot.deployment()
                .graph()
                .feature(id)
                .orElseThrow(() -> new IllegalStateException("unknown feature " + id));
        if (n.producer() instanceof Related) {
            throw new PlanningException(
                    "it reads " + id + " through a relation, which an expression computed offline cannot do yet");
        }
        if (n.producer() instanceof Computed c) {
            for (FeatureId dep : c.dependencies()) {
                leaves(snapshot, dep, keys, into, seen);
            }
        } else {
            into.add(id);
        }
    }

    private static FeatureNode node(ServingSnapshot snapshot, String name) {
        FeatureNode n = snapshot.feature(name);
        if (n == null) {
            throw new IllegalStateException("feature " + name + " is not in deployment "
                    + snapshot.deployment().deploymentId());
        }
        return n;
    }
}
