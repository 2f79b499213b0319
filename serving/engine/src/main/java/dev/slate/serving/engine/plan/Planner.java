package dev.slate.serving.engine.plan;

import dev.slate.serving.engine.aggregate.BucketedAggregations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.RelationNode;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.spi.FeatureSlot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the plan for one query shape against one graph: walks back from the outputs to the given
 * inputs, collecting the resolvers and expressions needed, and decides what to read from the online
 * store first. Pure: the same graph and shape always give the same plan.
 */
public final class Planner {

    private final FeatureGraph graph;

    public Planner(FeatureGraph graph) {
        this.graph = Objects.requireNonNull(graph, "graph is null");
    }

    public Plan plan(QueryShape shape) throws PlanningException {
        return new Builder(shape).build();
    }

    private final class Builder {
        private final QueryShape shape;
        private final Map<FeatureId, Integer> slots = new LinkedHashMap<>();
        private final List<FeatureNode> nodes = new ArrayList<>();
        private final List<PlannedFeature.Origin> origins = new ArrayList<>();
        private final List<Object> stepKeys =
                new ArrayList<>(); // ResolverNode, FollowKey, AggregateKey, ListKey or FeatureId (compute), in
        // topological order
        private final Map<Object, Integer> stepIndex = new LinkedHashMap<>();

        Builder(QueryShape shape) {
            this.shape = shape;
        }

        Plan build() throws PlanningException {
            for (FeatureId in : shape.inputs()) {
                slot(in, PlannedFeature.Origin.INPUT);
            }
            for (FeatureId out : shape.outputs()) {
                visit(out, out);
            }
            // Steps, now that all slots are known.
            List<PlanStep> steps = new ArrayList<>();
            int[] producer = new int[slots.size()];
            Arrays.fill(producer, -1);
            for (Object key : stepKeys) {
                PlanStep step;
                if (key instanceof ResolverNode r) {
                    List<Integer> outs = new ArrayList<>();
                    List<String> cols = new ArrayList<>();
                    for (ResolverNode.Output o : r.outputs()) {
                        Integer s = slots.get(o.feature());
                        if (s != null && origins.get(s) == PlannedFeature.Origin.STEP) {
                            outs.add(s);
                            cols.add(o.column());
                        }
                    }
                    step = new PlanStep.Resolve(
                            r,
                            r.parameters().stream().mapToInt(slots::get).toArray(),
                            outs.stream().mapToInt(Integer::intValue).toArray(),
                            cols);
                } else if (key instanceof FollowKey f) {
                    step = follow(f.relation());
                } else if (key instanceof AggregateKey a) {
                    step = a.materialized() ? materialized(a) : aggregate(a);
                } else if (key instanceof ListKey l) {
                    step = list(l.listing());
                } else {
                    FeatureId id = (FeatureId) key;
                    Producer.Computed c =
                            (Producer.Computed) graph.features().get(id).producer();
                    step = new PlanStep.Compute(
                            c.expression(),
                            c.dependencies().stream().mapToInt(slots::get).toArray(),
                            slots.get(id));
                }
                for (int s : step.outputSlots()) {
                    producer[s] = steps.size();
                }
                steps.add(step);
            }

            // A value computed from a value the caller gave (other than an entity key) belongs to this
            // request only: it is neither read from the store (the given value must be used) nor
            // written back (it would replace the entity's real value for every other caller).
            boolean[] fromGiven = new boolean[nodes.size()];
            for (int s = 0; s < nodes.size(); s++) {
                fromGiven[s] = origins.get(s) == PlannedFeature.Origin.INPUT
                        && !(nodes.get(s).producer() instanceof Producer.EntityKey);
            }
            for (PlanStep step : steps) { // in topological order: a step's inputs are final when it is reached
                if (Arrays.stream(step.inputSlots()).anyMatch(in -> fromGiven[in])) {
                    for (int out : step.outputSlots()) {
                        fromGiven[out] = true;
                    }
                }
            }

            List<PlannedFeature> features = new ArrayList<>(nodes.size());
            Map<String, List<Integer>> readsByEntity = new LinkedHashMap<>();
            for (int s = 0; s < nodes.size(); s++) {
                FeatureNode n = nodes.get(s);
                Optional<Duration> staleness = shape.staleness().containsKey(n.id())
                        ? Optional.of(shape.staleness().get(n.id()))
                        : n.maxStaleness();
                int keySlot = keySlot(n.id().entity());
                PlannedFeature.Origin origin = origins.get(s);
                boolean readable = keySlot >= 0 && origin != PlannedFeature.Origin.INPUT && !fromGiven[s];
                boolean read = readable
                        && (origin == PlannedFeature.Origin.STORE
                                || (n.cacheable()
                                        && staleness.map(d -> !d.isZero()).orElse(true)));
                boolean writeBack =
                        origin == PlannedFeature.Origin.STEP && keySlot >= 0 && n.cacheable() && !fromGiven[s];
                if (origin == PlannedFeature.Origin.STORE && keySlot < 0) {
                    EntityNode e = graph.entities().get(n.id().entity());
                    throw new PlanningException("missing input " + e.key() + " (key of entity " + e.name()
                            + "): needed to read ingested feature " + n.id());
                }
                features.add(new PlannedFeature(n, s, origin, staleness, read, writeBack, keySlot));
                if (read) {
                    readsByEntity
                            .computeIfAbsent(n.id().entity(), k -> new ArrayList<>())
                            .add(s);
                }
            }
            List<StoreReadGroup> reads = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> e : readsByEntity.entrySet()) {
                int[] rs = e.getValue().stream().mapToInt(Integer::intValue).toArray();
                List<FeatureSlot> storeSlots = new ArrayList<>(rs.length);
                for (int s : rs) {
                    FeatureNode n = nodes.get(s);
                    storeSlots.add(new FeatureSlot(n.id().name(), n.version(), n.type()));
                }
                reads.add(new StoreReadGroup(e.getKey(), keySlot(e.getKey()), rs, storeSlots));
            }
            int[] inputSlots = shape.inputs().stream().mapToInt(slots::get).toArray();
            int[] outputSlots = shape.outputs().stream().mapToInt(slots::get).toArray();
            Plan draft = new Plan("pending", shape, features, inputSlots, outputSlots, steps, producer, reads);
            return new Plan(hash(draft.explain()), shape, features, inputSlots, outputSlots, steps, producer, reads);
        }

        /** The plan of the related entity's features from the foreign key, and where its inputs and outputs sit here. */
        private PlanStep.Follow follow(RelationNode relation) throws PlanningException {
            List<Integer> outs = new ArrayList<>();
            List<FeatureId> targets = new ArrayList<>();
            for (int s = 0; s < nodes.size(); s++) {
                if (nodes.get(s).producer() instanceof Producer.Related r
                        && r.relation().equals(relation)) {
                    outs.add(s);
                    targets.add(r.target());
                }
            }
            Map<FeatureId, Duration> staleness = new LinkedHashMap<>();
            shape.staleness().forEach((id, d) -> {
                if (id.entity().equals(relation.target())) {
                    staleness.put(id, d);
                }
            });
            Plan related;
            try {
                related = new Planner(graph)
                        .plan(QueryShape.of(new LinkedHashSet<>(relation.referenced()), targets, staleness));
            } catch (PlanningException e) {
                throw new PlanningException("through relation " + relation.id() + ": " + e.getMessage());
            }
            int[] in = new int[related.shape().inputs().size()];
            int i = 0;
            for (FeatureId ref : related.shape().inputs()) {
                in[i++] = slots.get(relation.holders().get(relation.referenced().indexOf(ref)));
            }
            return new PlanStep.Follow(
                    relation,
                    related,
                    in,
                    outs.stream().mapToInt(Integer::intValue).toArray());
        }

        /** The materialized step of {@code key}, with its pushdown fallback when the relation has a rows resolver. */
        private PlanStep.MaterializedAggregate materialized(AggregateKey key) throws PlanningException {
            RelationNode relation = key.relation();
            List<Integer> outs = new ArrayList<>();
            List<Producer.Aggregated> windows = new ArrayList<>();
            collect(key, outs, windows);
            Optional<PlanStep.Aggregate> fallback = relation.rowsResolver().isPresent()
                    ? Optional.of(aggregate(new AggregateKey(relation, key.time(), false), outs, windows))
                    : Optional.empty();
            return new PlanStep.MaterializedAggregate(
                    relation,
                    key.time(),
                    new int[] {slots.get(relation.referenced().getFirst())},
                    outs.stream().mapToInt(Integer::intValue).toArray(),
                    windows,
                    fallback);
        }

        private void collect(AggregateKey key, List<Integer> outs, List<Producer.Aggregated> windows) {
            for (int s = 0; s < nodes.size(); s++) {
                if (nodes.get(s).producer() instanceof Producer.Aggregated a
                        && a.aggregation().relation().equals(key.relation())
                        && a.aggregation().time().equals(key.time())
                        && BucketedAggregations.materialized(graph, a.aggregation()) == key.materialized()) {
                    outs.add(s);
                    windows.add(a);
                }
            }
        }

        private PlanStep.Aggregate aggregate(AggregateKey key) throws PlanningException {
            List<Integer> outs = new ArrayList<>();
            List<Producer.Aggregated> windows = new ArrayList<>();
            collect(key, outs, windows);
            return aggregate(key, outs, windows);
        }

        private PlanStep.Aggregate aggregate(AggregateKey key, List<Integer> outs, List<Producer.Aggregated> windows)
                throws PlanningException {
            RelationNode relation = key.relation();
            ResolverNode rows =
                    relation.rowsResolver().map(graph.resolvers()::get).orElse(null);
            if (rows == null) {
                throw new PlanningException(windows.getFirst()
                                .aggregation()
                                .window(windows.getFirst().window()) + " needs the rows of "
                        + relation.id() + ", and the project declares no many: true resolver of " + relation.target()
                        + " with parameters "
                        + relation.holders());
            }
            int[] in = new int[rows.parameters().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = slots.get(relation.referenced()
                        .get(relation.holders().indexOf(rows.parameters().get(i))));
            }
            return new PlanStep.Aggregate(
                    relation,
                    rows,
                    key.time(),
                    in,
                    outs.stream().mapToInt(Integer::intValue).toArray(),
                    windows);
        }

        /** The step that lists a has_many relation's rows for {@code listing}, with the referenced features as parameters. */
        private PlanStep.ListRows list(FeatureId listing) throws PlanningException {
            Producer.Listed l = (Producer.Listed) nodes.get(slots.get(listing)).producer();
            RelationNode relation = l.relation();
            ResolverNode rows = relation.rowsResolver()
                    .map(graph.resolvers()::get)
                    .orElseThrow(() -> new PlanningException(listing + " needs the rows of " + relation.id()
                            + ", and the project declares no many: true resolver of " + relation.target()));
            int[] in = new int[rows.parameters().size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = slots.get(relation.referenced()
                        .get(relation.holders().indexOf(rows.parameters().get(i))));
            }
            return new PlanStep.ListRows(relation, rows, l.time(), l.fields(), in, slots.get(listing));
        }

        private int keySlot(String entity) {
            EntityNode e = graph.entities().get(entity);
            Integer s = e == null ? null : slots.get(e.key());
            return s != null && origins.get(s) == PlannedFeature.Origin.INPUT ? s : -1;
        }

        private int slot(FeatureId id, PlannedFeature.Origin origin) {
            Integer existing = slots.get(id);
            if (existing != null) {
                return existing;
            }
            FeatureNode n = graph.feature(id).orElse(null);
            if (n == null) {
                throw new IllegalArgumentException("unknown feature " + id);
            }
            int s = nodes.size();
            slots.put(id, s);
            nodes.add(n);
            origins.add(origin);
            return s;
        }

        /** Depth-first; adds steps in post-order so that every step comes after the steps it needs. */
        private void visit(FeatureId id, FeatureId requestedFor) throws PlanningException {
            if (slots.containsKey(id)) {
                return;
            }
            FeatureNode n = graph.feature(id).orElseThrow(() -> new IllegalArgumentException("unknown feature " + id));
            switch (n.producer()) {
                case Producer.EntityKey k ->
                    throw new PlanningException(
                            "missing input " + id + " (key of entity " + id.entity() + ") needed for " + requestedFor);
                case Producer.Ingested i -> slot(id, PlannedFeature.Origin.STORE);
                case Producer.Computed c -> {
                    slot(id, PlannedFeature.Origin.STEP);
                    for (FeatureId dep : c.dependencies()) {
                        visit(dep, requestedFor);
                    }
                    addStep(id);
                }
                case Producer.Related r -> {
                    slot(id, PlannedFeature.Origin.STEP);
                    for (FeatureId holder : r.relation().holders()) {
                        visit(holder, requestedFor);
                    }
                    addStep(new FollowKey(r.relation()));
                }
                case Producer.Listed l -> {
                    slot(id, PlannedFeature.Origin.STEP);
                    for (FeatureId referenced : l.relation().referenced()) {
                        visit(referenced, requestedFor);
                    }
                    addStep(new ListKey(id));
                }
                case Producer.Aggregated a -> {
                    slot(id, PlannedFeature.Origin.STEP);
                    for (FeatureId referenced : a.aggregation().relation().referenced()) {
                        visit(referenced, requestedFor);
                    }
                    addStep(new AggregateKey(
                            a.aggregation().relation(),
                            a.aggregation().time(),
                            BucketedAggregations.materialized(graph, a.aggregation())));
                }
                case Producer.Resolved r -> {
                    ResolverNode resolver = graph.resolvers().get(r.resolver());
                    slot(id, PlannedFeature.Origin.STEP);
                    if (!stepIndex.containsKey(resolver)) {
                        stepIndex.put(resolver, -1); // visiting: guards against re-entry while its inputs are planned
                        for (FeatureId param : resolver.parameters()) {
                            visit(param, requestedFor);
                        }
                        stepIndex.remove(resolver);
                        addStep(resolver);
                    }
                }
            }
        }

        private void addStep(Object key) {
            if (!stepIndex.containsKey(key)) {
                stepIndex.put(key, stepKeys.size());
                stepKeys.add(key);
            }
        }
    }

    /** The step that follows one has_one relation (all path features through it share it). */
    private record FollowKey(RelationNode relation) {}

    /** The step that lists one has_many relation's rows for one listing feature (one per field selection). */
    private record ListKey(FeatureId listing) {}

    /** The step that aggregates over one has_many relation by one event time (all windows share its rows). */
    private record AggregateKey(RelationNode relation, FeatureId time, boolean materialized) {}

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
