package dev.slate.serving.offline;

import dev.slate.serving.engine.plan.PlanningException;
import dev.slate.serving.engine.query.FeatureNames;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Binds the names of an offline query (key columns and outputs) against the active deployment's graph,
 * listing every problem at once: unknown names with a suggestion, inputs that are not entity keys, outputs
 * whose entity's key is missing from the spine.
 */
final class OfflineQueryBinder {

    /** Most outputs one query may ask for. */
    static final int MAX_OUTPUTS = 1000;

    private OfflineQueryBinder() {}

    /** Binds a query that reads every output from the feature log. */
    static OfflineQueryPlan bind(ServingSnapshot snapshot, List<String> keyColumns, List<String> outputs) {
        return bind(snapshot, keyColumns, outputs, Recompute.NONE);
    }

    /**
     * Binds a query; {@code recompute} says which outputs are recomputed rather than read from the log.
     * Every recomputed output is planned at once, so one that cannot be computed from the spine's keys is
     * a 400 here, never a failed job.
     */
    static OfflineQueryPlan bind(
            ServingSnapshot snapshot, List<String> keyColumns, List<String> outputs, Recompute recompute) {
        FeatureGraph graph = snapshot.deployment().graph();
        List<ErrorDetail.Field> problems = new ArrayList<>();
        if (outputs.isEmpty()) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "'outputs' must name at least one feature");
        }
        if (outputs.size() > MAX_OUTPUTS) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY, "too many outputs: " + outputs.size() + " (at most " + MAX_OUTPUTS + ")");
        }
        List<OfflineQueryPlan.KeyColumn> keys = new ArrayList<>();
        Set<String> keyedEntities = new LinkedHashSet<>();
        for (String name : keyColumns) {
            FeatureNode node = resolve(snapshot, graph, name, "inputs", problems);
            if (node == null) {
                continue;
            }
            if (!(node.producer() instanceof Producer.EntityKey)) {
                EntityNode entity = graph.entity(node.id().entity()).orElseThrow();
                problems.add(problem(
                        "inputs",
                        name,
                        "'" + name + "' is not an entity key: an offline query's spine holds entity keys (here "
                                + entity.key().qualified() + ") and input_times"));
                continue;
            }
            keys.add(new OfflineQueryPlan.KeyColumn(
                    name, node.id().entity(), node.type().spelling()));
            keyedEntities.add(node.id().entity());
        }
        List<OfflineQueryPlan.Output> bound = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String name : outputs) {
            if (name == null) {
                problems.add(problem("outputs", "null", "output names must be strings"));
                continue;
            }
            if (!seen.add(name)) {
                continue;
            }
            FeatureNode node = resolve(snapshot, graph, name, "outputs", problems);
            if (node == null) {
                continue;
            }
            if (node.producer() instanceof Producer.EntityKey) {
                problems.add(problem(
                        "outputs",
                        name,
                        "'" + name + "' is an entity key: give it in inputs; every result row holds it"));
                continue;
            }
            if (node.producer() instanceof Producer.Listed) {
                problems.add(problem(
                        "outputs",
                        name,
                        "'" + name + "' lists the related rows of a has_many relation, which offline queries do not "
                                + "do: ask for windowed aggregations over it instead"));
                continue;
            }
            String entity = node.id().entity();
            if (node.producer() instanceof Producer.Aggregated a) {
                // docs/specs/aggregations.md, "Offline": computed from the related rows' history, never read from the
                // log
                if (!keyedEntities.contains(entity)) {
                    EntityNode e = graph.entity(entity).orElseThrow();
                    problems.add(problem(
                            "outputs",
                            name,
                            "'" + name + "' needs the key of entity " + entity + " in the spine: add "
                                    + e.key().qualified() + " to inputs"));
                    continue;
                }
                EntityNode parent = graph.entity(entity).orElseThrow();
                if (a.aggregation().relation().referenced().size() != 1
                        || !a.aggregation().relation().referenced().getFirst().equals(parent.key())) {
                    problems.add(problem(
                            "outputs",
                            name,
                            "'" + name + "' aggregates relation "
                                    + a.aggregation().relation().id() + ", whose foreign key"
                                    + " does not refer to the key of " + entity
                                    + "; offline queries aggregate relations by the parent's key only"));
                    continue;
                }
                bound.add(OfflineQueryPlan.Output.aggregation(
                        name,
                        entity,
                        node.id().name(),
                        node.version(),
                        node.type().spelling()));
                continue;
            }
            if (node.producer() instanceof Producer.Related) {
                if (!keyedEntities.contains(entity)) {
                    EntityNode e = graph.entity(entity).orElseThrow();
                    problems.add(problem(
                            "outputs",
                            name,
                            "'" + name + "' needs the key of entity " + entity + " in the spine: add "
                                    + e.key().qualified() + " to inputs"));
                    continue;
                }
                path(graph, name, node, problems).ifPresent(bound::add);
                continue;
            }
            if (!keyedEntities.contains(entity)) {
                EntityNode e = graph.entity(entity).orElseThrow();
                problems.add(problem(
                        "outputs",
                        name,
                        "'" + name + "' needs the key of entity " + entity + " in the spine: add "
                                + e.key().qualified() + " to inputs"));
                continue;
            }
            bound.add(new OfflineQueryPlan.Output(
                    name,
                    entity,
                    node.id().name(),
                    node.version(),
                    node.type().spelling(),
                    OfflineQueryPlan.Output.micros(node.maxStaleness()),
                    false));
        }
        Set<String> recomputed = recomputed(snapshot, graph, recompute, seen, problems);
        if (!problems.isEmpty()) {
            boolean unknownOutputs = problems.stream()
                    .allMatch(p -> "outputs".equals(p.field()) && p.message().startsWith("unknown feature"));
            throw new SlateException(
                    unknownOutputs ? ErrorCode.RESOLVER_NOT_FOUND : ErrorCode.INVALID_QUERY,
                    summary(problems),
                    problems);
        }
        List<OfflineQueryPlan.Output> marked = new ArrayList<>(bound.size());
        for (OfflineQueryPlan.Output o : bound) {
            marked.add(
                    recomputed.contains(o.name())
                            ? new OfflineQueryPlan.Output(
                                    o.name(),
                                    o.entity(),
                                    o.feature(),
                                    o.version(),
                                    o.type(),
                                    o.maxStalenessMicros(),
                                    true)
                            : derived(snapshot, o));
        }
        OfflineQueryPlan plan = new OfflineQueryPlan(snapshot.deployment().deploymentId(), keys, marked);
        if (plan.derives()) {
            try {
                RecomputePlan.derive(snapshot, plan);
            } catch (PlanningException e) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY,
                        SlateException.Condition.NONE,
                        "the expression outputs cannot be computed from this spine: " + e.getMessage(),
                        List.of(problem("outputs", null, e.getMessage())),
                        e);
            }
        }
        if (plan.recomputes()) {
            try {
                RecomputePlan.of(snapshot, plan);
            } catch (PlanningException e) {
                throw new SlateException(
                        ErrorCode.INVALID_QUERY,
                        SlateException.Condition.NONE,
                        "the recomputed outputs cannot be computed from this spine: " + e.getMessage(),
                        List.of(problem("recompute", null, e.getMessage())),
                        e);
            }
        }
        return plan;
    }

    /**
     * The outputs to recompute (qualified names). Problems: a listed name that is not a feature, not among the
     * outputs, or an ingested feature (it has no resolver to re-run).
     */
    private static Set<String> recomputed(
            ServingSnapshot snapshot,
            FeatureGraph graph,
            Recompute recompute,
            Set<String> outputs,
            List<ErrorDetail.Field> problems) {
        Set<String> out = new LinkedHashSet<>();
        switch (recompute) {
            case Recompute.None n -> {}
            case Recompute.Every e -> {
                for (String name : outputs) {
                    FeatureNode node = snapshot.feature(name);
                    if (node != null && recomputable(node)) {
                        out.add(name);
                    }
                }
            }
            case Recompute.Listed listed -> {
                for (String name : listed.names()) {
                    if (!outputs.contains(name)) {
                        if (snapshot.feature(name) == null) {
                            resolve(snapshot, graph, name, "recompute", problems);
                        } else {
                            problems.add(problem(
                                    "recompute",
                                    name,
                                    "'" + name + "' is not among the outputs; recompute names outputs of this query"));
                        }
                        continue;
                    }
                    FeatureNode node = snapshot.feature(name);
                    if (node != null && node.producer() instanceof Producer.Aggregated) {
                        problems.add(
                                problem(
                                        "recompute",
                                        name,
                                        "'" + name
                                                + "' is a windowed aggregation: offline queries always compute it from the"
                                                + " related rows' history (docs/specs/aggregations.md, Offline); remove it from recompute"));
                        continue;
                    }
                    if (node != null && node.producer() instanceof Producer.Related) {
                        problems.add(
                                problem(
                                        "recompute",
                                        name,
                                        "'" + name + "' is read through a relation: it is read point-in-time along its"
                                                + " path (docs/offline.md, Relationships) and cannot be recomputed; remove it from recompute"));
                        continue;
                    }
                    if (node != null && !recomputable(node)) {
                        problems.add(problem(
                                "recompute",
                                name,
                                "'" + name + "' is an ingested feature: it has no resolver or expression to re-run"
                                        + " and is always read from the feature log; remove it from recompute"));
                        continue;
                    }
                    out.add(name);
                }
            }
        }
        return out;
    }

    /**
     * A feature read through has_one relations ({@code transaction.user.country}) as an output that follows its path
     * point-in-time (docs/offline.md, "Relationships"): every hop's foreign key must refer to the related entity's key,
     * and the feature at the end must be one the feature log holds (a resolver output or an ingested feature).
     */
    private static Optional<OfflineQueryPlan.Output> path(
            FeatureGraph graph, String name, FeatureNode node, List<ErrorDetail.Field> problems) {
        List<OfflineQueryPlan.Hop> hops = new ArrayList<>();
        FeatureNode at = node;
        while (at.producer() instanceof Producer.Related r) {
            EntityNode target = graph.entity(r.relation().target()).orElseThrow();
            if (r.relation().referenced().size() != 1
                    || !r.relation().referenced().getFirst().equals(target.key())) {
                problems.add(problem(
                        "outputs",
                        name,
                        "'" + name + "' follows relation " + r.relation().id() + ", whose foreign key does not refer "
                                + "to the key of " + target.name()
                                + "; offline queries follow relations by the related entity's key only"));
                return Optional.empty();
            }
            FeatureNode holder = graph.features().get(r.relation().holders().getFirst());
            hops.add(new OfflineQueryPlan.Hop(
                    r.relation().id().qualified(),
                    new OfflineQueryPlan.Output(
                            holder.id().qualified(),
                            holder.id().entity(),
                            holder.id().name(),
                            holder.version(),
                            holder.type().spelling(),
                            OfflineQueryPlan.Output.micros(holder.maxStaleness()),
                            false),
                    new OfflineQueryPlan.KeyColumn(
                            target.key().qualified(),
                            target.name(),
                            target.keyType().spelling())));
            at = graph.feature(r.target()).orElseThrow();
        }
        if (!(at.producer() instanceof Producer.Resolved || at.producer() instanceof Producer.Ingested)) {
            problems.add(problem(
                    "outputs",
                    name,
                    "'" + name + "' reads " + at.id() + " through relations; offline queries read a related "
                            + "entity's resolver outputs and ingested features, not "
                            + (at.producer() instanceof Producer.Computed ? "expressions" : "this kind of feature")
                            + ", through a relation (ask for " + at.id() + " with its key instead)"));
            return Optional.empty();
        }
        return Optional.of(new OfflineQueryPlan.Output(
                name,
                node.id().entity(),
                at.id().name(),
                at.version(),
                at.type().spelling(),
                OfflineQueryPlan.Output.micros(at.maxStaleness()),
                false,
                false,
                hops));
    }

    /** An expression output that is not recomputed is derived: computed over the point-in-time values of its inputs. */
    private static OfflineQueryPlan.Output derived(ServingSnapshot snapshot, OfflineQueryPlan.Output o) {
        FeatureNode node = snapshot.feature(o.name());
        if (node == null || !(node.producer() instanceof Producer.Computed)) {
            return o;
        }
        return new OfflineQueryPlan.Output(
                o.name(), o.entity(), o.feature(), o.version(), o.type(), o.maxStalenessMicros(), false, true);
    }

    private static boolean recomputable(FeatureNode node) {
        return node.producer() instanceof Producer.Resolved || node.producer() instanceof Producer.Computed;
    }

    static String summary(List<ErrorDetail.Field> problems) {
        return problems.size() == 1
                ? problems.get(0).message()
                : problems.size() + " problems in the query; see errors";
    }

    private static FeatureNode resolve(
            ServingSnapshot snapshot, FeatureGraph graph, String name, String field, List<ErrorDetail.Field> problems) {
        FeatureNode node = snapshot.feature(name);
        if (node != null) {
            return node;
        }
        Optional<String> window = name.length() > 300 ? Optional.empty() : FeatureNames.windowProblem(graph, name);
        if (window.isPresent()) {
            problems.add(problem(field, Suggestions.shown(name), window.get()));
            return null;
        }
        List<String> all = new ArrayList<>(graph.features().size());
        for (FeatureId id : graph.features().keySet()) {
            all.add(id.qualified());
        }
        problems.add(problem(field, Suggestions.shown(name), Suggestions.unknown("feature", name, all)));
        return null;
    }

    static ErrorDetail.Field problem(String field, String name, String message) {
        return new ErrorDetail.Field(field, name, message);
    }
}
