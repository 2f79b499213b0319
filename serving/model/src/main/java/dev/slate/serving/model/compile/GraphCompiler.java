package dev.slate.serving.model.compile;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.FeatureTypes;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.cel.CelEnvironment;
import dev.slate.serving.model.cel.CelExpression;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.NamedQuery;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.RelationNode;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.EntitySpec;
import dev.slate.serving.model.spec.FeatureSpec;
import dev.slate.serving.model.spec.ProjectSpec;
import dev.slate.serving.model.spec.RelationSpec;
import dev.slate.serving.model.spec.ResolverSpec;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds a declared project into a {@link FeatureGraph}: entity keys, one producer per feature,
 * resolvers bound to entities, expressions compiled, no cycles, versions computed. Every problem is
 * reported; the graph is built only when there is none.
 */
public final class GraphCompiler {
    private final ProjectSpec spec;
    private final Problems problems;
    private final boolean allResolversRead;
    private final Map<String, SourceSpec> sources = new LinkedHashMap<>();
    private final Map<String, EntityScope> entities = new LinkedHashMap<>();
    private final Map<String, EntityNode> entityNodes = new LinkedHashMap<>();
    private final Map<String, BoundResolver> resolvers = new LinkedHashMap<>();
    private final Set<String> resolverNames = new HashSet<>();
    private final Set<FeatureId> coveredByUnsupported = new HashSet<>();
    private final Map<FeatureId, Producer> producers = new LinkedHashMap<>();
    private final Map<FeatureId, CelExpression> expressions = new LinkedHashMap<>();
    private Map<FeatureId, RelationNode> relations = Map.of();
    private final Map<FeatureId, AggregationNode> aggregations = new LinkedHashMap<>();
    private boolean resolversComplete;

    private GraphCompiler(ProjectSpec spec, Problems problems, boolean allResolversRead) {
        this.spec = spec;
        this.problems = problems;
        this.allResolversRead = allResolversRead;
    }

    /**
     * @param allResolversRead false when reading dropped a broken resolver entry; features without a
     *     producer are then not reported (they may be that resolver's outputs)
     * @return the graph, or empty when any problem was found (all added to {@code problems})
     */
    public static Optional<FeatureGraph> compile(
            ProjectSpec spec, String contentHash, boolean allResolversRead, Problems problems) {
        return new GraphCompiler(spec, problems, allResolversRead).run(contentHash);
    }

    private Optional<FeatureGraph> run(String contentHash) {
        bindSources();
        bindEntities();
        bindResolvers();
        RelationBinder relationBinder = new RelationBinder(entities, entityNodes, resolvers, problems);
        relations = relationBinder.relations();
        assignProducers();
        compileExpressions();
        for (AggregationNode a : relationBinder.aggregations(relations)) {
            aggregations.put(a.id(), a);
            for (Duration w : a.windows()) {
                producers.put(a.window(w), new Producer.Aggregated(a, w));
            }
        }
        checkReverseEtl();
        Map<FeatureId, List<FeatureId>> edges = dependencies();
        for (List<FeatureId> cycle : Cycles.find(edges)) {
            FeatureId first = cycle.getFirst();
            boolean throughRelation = cycle.stream()
                    .anyMatch(id -> producers.get(id) == null && id.name().contains("."));
            FeatureId located = cycle.stream()
                    .filter(id -> featureSpecOrNull(id) != null)
                    .findFirst()
                    .orElse(first);
            problems.add(
                    featureSpec(located).location(),
                    ErrorCode.CYCLE,
                    (throughRelation
                                    ? "relationship cycle: features depend on each other"
                                            + " through relations in a circle: "
                                    : "features depend on each other in a circle: ")
                            + String.join(
                                    " -> ",
                                    cycle.stream().map(FeatureId::qualified).toList()));
        }
        List<NamedQuery> namedQueries = bindNamedQueries();
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        FeatureVersions versions = new FeatureVersions(edges, this::versionInput);
        Map<FeatureId, FeatureNode> features = new LinkedHashMap<>();
        for (EntityScope entity : entities.values()) {
            for (FeatureSpec f : entity.features().values()) {
                FeatureId id = new FeatureId(entity.name(), f.name());
                if (FeatureSpec.AGGREGATE.equals(f.unsupported().orElse(""))) {
                    AggregationNode a = aggregations.get(id);
                    // an aggregation is never cached unless it says so: its value moves with the query time
                    Optional<Duration> staleness = entity.spec().aggregates().stream()
                            .filter(s -> s.name().equals(f.name()))
                            .findFirst()
                            .flatMap(s -> s.maxStaleness())
                            .or(() -> Optional.of(Duration.ZERO));
                    for (Duration w : a.windows()) {
                        FeatureId wid = a.window(w);
                        features.put(
                                wid,
                                new FeatureNode(
                                        wid,
                                        a.type(),
                                        staleness,
                                        producers.get(wid),
                                        versions.of(wid),
                                        f.tags(),
                                        f.location()));
                    }
                    continue;
                }
                if (f.unsupported().isPresent()) {
                    continue; // a relation: in relations
                }
                FeatureType type = f.type().orElseThrow();
                Optional<Duration> staleness =
                        f.maxStaleness().or(() -> entity.spec().maxStaleness());
                features.put(
                        id,
                        new FeatureNode(
                                id,
                                type,
                                staleness,
                                producers.get(id),
                                versions.of(id),
                                f.tags(),
                                f.etlOfflineToOnline(),
                                f.location()));
            }
        }
        Map<String, ResolverNode> resolverNodes = new LinkedHashMap<>();
        resolvers.forEach((name, r) -> resolverNodes.put(name, r.toNode()));
        return Optional.of(new FeatureGraph(
                spec.project(),
                contentHash,
                entityNodes,
                features,
                resolverNodes,
                sources,
                namedQueries,
                relations,
                aggregations,
                spec.alerts()));
    }

    private List<NamedQuery> bindNamedQueries() {
        return new NamedQueryBinder(
                        producers, entityNodes, name -> resolvers.get(name).parameters(), problems)
                .bind(spec.namedQueries());
    }

    // ---- sources and entities ----

    private void bindSources() {
        for (SourceSpec s : spec.sources()) {
            SourceSpec first = sources.putIfAbsent(s.name(), s);
            if (first != null) {
                problems.add(
                        s.location(),
                        ErrorCode.DUPLICATE_NAME,
                        "source '" + s.name() + "' is declared twice (first at " + first.location() + ")");
            }
        }
    }

    private void bindEntities() {
        for (EntitySpec e : spec.entities()) {
            if (entities.containsKey(e.name())) {
                problems.add(
                        e.location(),
                        ErrorCode.DUPLICATE_NAME,
                        "entity '" + e.name() + "' is declared twice (first at "
                                + entities.get(e.name()).spec().location()
                                + "); declare each entity once, with all its features");
                continue;
            }
            EntityScope scope = EntityScope.of(e);
            entities.put(e.name(), scope);
            if (e.key().isEmpty()) {
                continue; // MISSING_FIELD already reported
            }
            String key = e.key().get();
            FeatureSpec keyFeature = scope.features().get(key);
            if (keyFeature == null) {
                problems.add(
                        e.keyLocation(),
                        ErrorCode.INVALID_KEY,
                        "key '" + key + "' of entity " + e.name() + " is not one of its features"
                                + Suggestions.didYouMean(key, scope.features().keySet())
                                + "; declare it under features, e.g. " + key + ": int");
                continue;
            }
            if (keyFeature.unsupported().isPresent() || keyFeature.expression().isPresent() || keyFeature.ingested()) {
                problems.add(
                        keyFeature.location(),
                        ErrorCode.INVALID_KEY,
                        "key feature " + e.name() + "." + key
                                + " is given by every query; it cannot have an expression, be ingested or be a relation");
                continue;
            }
            if (keyFeature.type().isEmpty()) {
                continue; // UNKNOWN_TYPE already reported
            }
            FeatureType type = keyFeature.type().get();
            if (type != FeatureType.Scalar.INT && type != FeatureType.Scalar.STRING) {
                problems.add(
                        keyFeature.location(),
                        ErrorCode.INVALID_KEY,
                        "key feature " + e.name() + "." + key + " has type " + FeatureTypes.spelling(type)
                                + "; an entity key must be int or string");
                continue;
            }
            // the event time, when it names a datetime feature (aggregations report a bad one where they use it)
            Optional<FeatureId> time = e.time()
                    .filter(t -> scope.features().get(t) != null
                            && scope.features()
                                    .get(t)
                                    .type()
                                    .filter(FeatureType.Scalar.DATETIME::equals)
                                    .isPresent())
                    .map(t -> new FeatureId(e.name(), t));
            entityNodes.put(
                    e.name(),
                    new EntityNode(e.name(), new FeatureId(e.name(), key), type, e.maxStaleness(), time, e.location()));
        }
    }

    // ---- resolvers ----

    private void bindResolvers() {
        ResolverBinder binder = new ResolverBinder(entities, sources, problems);
        resolversComplete = allResolversRead;
        for (ResolverSpec r : spec.resolvers()) {
            if (!resolverNames.add(r.name())) {
                problems.add(
                        r.location(),
                        ErrorCode.DUPLICATE_NAME,
                        "resolver '" + r.name() + "' is declared twice; resolver names must be unique");
                resolversComplete = false; // its outputs would otherwise be reported as having no resolver
                continue;
            }
            switch (r) {
                case ResolverSpec.Sql sql ->
                    binder.bind(sql).ifPresentOrElse(b -> resolvers.put(b.name(), b), () -> resolversComplete = false);
                case ResolverSpec.Http http ->
                    new HttpResolverBinder(entities, problems)
                            .bind(http)
                            .ifPresentOrElse(b -> resolvers.put(b.name(), b), () -> resolversComplete = false);
                case ResolverSpec.Unsupported u -> {
                    for (ResolverSpec.Named output : u.outputs()) {
                        FeatureId.parse(output.name())
                                .or(() -> u.resolves().map(entity -> new FeatureId(entity, output.name())))
                                .ifPresent(coveredByUnsupported::add);
                    }
                    if (u.outputs().isEmpty()) {
                        resolversComplete = false;
                    }
                }
            }
        }
    }

    // ---- producers ----

    private record Claim(String what, SourceLocation location, Producer producer) {}

    private void assignProducers() {
        Map<FeatureId, List<Claim>> resolved = new LinkedHashMap<>();
        for (BoundResolver r : resolvers.values()) {
            if (r.toNode().many()) {
                continue; // lists related rows: its columns are no features it produces
            }
            for (ResolverNode.Output o : r.outputs()) {
                resolved.computeIfAbsent(o.feature(), k -> new ArrayList<>())
                        .add(new Claim(
                                "resolver " + r.name(),
                                r.outputLocations().get(o.feature()),
                                new Producer.Resolved(r.name())));
            }
        }
        for (EntityScope entity : entities.values()) {
            for (FeatureSpec f : entity.features().values()) {
                if (f.unsupported().isPresent()) {
                    continue;
                }
                FeatureId id = new FeatureId(entity.name(), f.name());
                if (entity.key().filter(f.name()::equals).isPresent()) {
                    producers.put(id, new Producer.EntityKey());
                    continue;
                }
                List<Claim> claims = new ArrayList<>();
                if (f.ingested()) {
                    claims.add(new Claim("ingested: true", f.location(), new Producer.Ingested()));
                }
                if (f.expression().isPresent()) {
                    claims.add(new Claim("an expression", f.location(), null));
                }
                claims.addAll(resolved.getOrDefault(id, List.of()));
                if (claims.size() > 1) {
                    problems.add(
                            claims.get(1).location(),
                            ErrorCode.AMBIGUOUS_RESOLVER,
                            "feature " + id + " has more than one producer ("
                                    + String.join(
                                            ", ",
                                            claims.stream().map(Claim::what).toList())
                                    + "); a feature is produced exactly one way");
                } else if (claims.isEmpty()) {
                    if (resolversComplete
                            && !coveredByUnsupported.contains(id)
                            && entityNodes.containsKey(entity.name())) {
                        problems.add(
                                f.location(),
                                ErrorCode.NO_RESOLVER,
                                "feature " + id + " has no resolver: select it in a resolver's SQL,"
                                        + " give it an expression, or declare it {type: "
                                        + f.type().map(FeatureTypes::spelling).orElse("...") + ", ingested: true}");
                    }
                } else if (claims.getFirst().producer() != null) {
                    producers.put(id, claims.getFirst().producer());
                }
            }
        }
    }

    private void compileExpressions() {
        for (EntityScope entity : entities.values()) {
            if (entity.features().values().stream()
                    .noneMatch(
                            f -> f.expression().isPresent() && f.unsupported().isEmpty())) {
                continue;
            }
            Map<String, Optional<FeatureType>> variables = new LinkedHashMap<>();
            entity.features().values().stream()
                    .filter(f -> f.unsupported().isEmpty())
                    .forEach(f -> variables.put(f.name(), f.type()));
            Set<String> hasOne = new LinkedHashSet<>();
            entity.spec().relations().stream()
                    .filter(r -> r.kind() == RelationSpec.Kind.HAS_ONE)
                    .forEach(r -> hasOne.add(r.name()));
            CelEnvironment environment = new CelEnvironment(entity.name(), variables, hasOne);
            for (FeatureSpec f : entity.features().values()) {
                if (f.expression().isEmpty() || f.unsupported().isPresent()) {
                    continue;
                }
                FeatureId id = new FeatureId(entity.name(), f.name());
                var text = f.expression().get();
                CelEnvironment.Result result = environment.compile(id, text.text(), f.type(), this::pathType);
                for (CelEnvironment.Issue issue : result.issues()) {
                    ErrorCode code = issue.kind() == CelEnvironment.Issue.Kind.UNKNOWN_FEATURE
                            ? ErrorCode.UNKNOWN_FEATURE
                            : ErrorCode.BAD_EXPRESSION;
                    problems.add(
                            text.locate(issue.line() - 1, issue.column()),
                            code,
                            "expression of " + id + ": " + issue.message());
                }
                result.expression().ifPresent(e -> {
                    expressions.put(id, e);
                    if (!producers.containsKey(id)
                            && !f.ingested()
                            && entity.key().filter(f.name()::equals).isEmpty()) {
                        producers.put(id, new Producer.Computed(e));
                    }
                });
            }
        }
    }

    /** {@code etl_offline_to_online} needs a feature that the online store may serve: not the key, not {@code 0s}. */
    private void checkReverseEtl() {
        for (EntityScope entity : entities.values()) {
            for (FeatureSpec f : entity.features().values()) {
                if (!f.etlOfflineToOnline() || f.unsupported().isPresent()) {
                    continue;
                }
                String id = entity.name() + "." + f.name();
                if (entity.key().filter(f.name()::equals).isPresent()) {
                    problems.add(
                            f.location(),
                            ErrorCode.INVALID_VALUE,
                            "feature " + id
                                    + " is the entity key, given by every query; etl_offline_to_online cannot load it");
                    continue;
                }
                Optional<Duration> staleness =
                        f.maxStaleness().or(() -> entity.spec().maxStaleness());
                if (staleness.isPresent() && staleness.get().isZero()) {
                    problems.add(
                            f.location(),
                            ErrorCode.INVALID_VALUE,
                            "feature " + id + " has max_staleness 0s (never served from the"
                                    + " online store); etl_offline_to_online would load values nobody reads: remove one of the two");
                }
            }
        }
    }

    // ---- dependencies and versions ----

    /** The type of a feature read through has_one relations ({@code transaction."user.age"}), when the path names one. */
    private Optional<FeatureType> pathType(FeatureId path) {
        int dot = path.name().indexOf('.');
        if (dot > 0
                && !relations.containsKey(
                        new FeatureId(path.entity(), path.name().substring(0, dot)))) {
            return Optional.of(
                    FeatureType.Scalar
                            .STRING); // a relation that did not bind (reported): no second problem for its paths
        }
        return relatedTarget(path).flatMap(target -> {
            if (target.name().contains(".")) {
                return pathType(target);
            }
            FeatureSpec f = featureSpecOrNull(target);
            return f == null || f.unsupported().isPresent() ? Optional.empty() : f.type();
        });
    }

    /** For a path {@code transaction."user.age"}: the has_one relation's target feature {@code user.age}. */
    private Optional<FeatureId> relatedTarget(FeatureId path) {
        int dot = path.name().indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        RelationNode r = relations.get(new FeatureId(path.entity(), path.name().substring(0, dot)));
        if (r == null || r.hasMany()) {
            return Optional.empty();
        }
        return Optional.of(new FeatureId(r.target(), path.name().substring(dot + 1)));
    }

    private Map<FeatureId, List<FeatureId>> dependencies() {
        Map<FeatureId, List<FeatureId>> edges = new LinkedHashMap<>();
        for (AggregationNode a : aggregations.values()) {
            for (Duration w : a.windows()) {
                edges.put(a.window(w), a.relation().referenced());
            }
        }
        for (EntityScope entity : entities.values()) {
            for (FeatureSpec f : entity.features().values()) {
                FeatureId id = new FeatureId(entity.name(), f.name());
                Producer p = producers.get(id);
                List<FeatureId> deps = switch (p) {
                    case Producer.Computed c -> c.dependencies();
                    case Producer.Resolved r -> resolvers.get(r.resolver()).parameters();
                    case null, default -> List.of();
                };
                edges.put(id, deps);
            }
        }
        // features read through relations: each depends on the relation's foreign key and on its target
        List<FeatureId> pending = new ArrayList<>();
        edges.values().forEach(pending::addAll);
        while (!pending.isEmpty()) {
            FeatureId id = pending.removeLast();
            if (edges.containsKey(id)) {
                continue;
            }
            Optional<FeatureId> target = relatedTarget(id);
            if (target.isEmpty()) {
                continue;
            }
            RelationNode r = relations.get(
                    new FeatureId(id.entity(), id.name().substring(0, id.name().indexOf('.'))));
            List<FeatureId> deps = new ArrayList<>(r.holders());
            deps.add(target.get());
            edges.put(id, deps);
            pending.addAll(deps);
        }
        return edges;
    }

    /** What defines a feature's values, apart from its dependencies' versions. */
    private List<String> versionInput(FeatureId id) {
        if (producers.get(id) instanceof Producer.Aggregated agg) {
            AggregationNode a = agg.aggregation();
            return List.of(
                    "aggregate",
                    a.function().spelling(),
                    a.relation().id().qualified(),
                    a.relation().holders().toString(),
                    a.relation()
                            .rowsResolver()
                            .map(n -> resolvers.get(n).definition().toString())
                            .orElse(""),
                    a.of().map(FeatureId::qualified).orElse(""),
                    a.time().qualified(),
                    a.where().map(e -> e.text()).orElse(""),
                    a.bucket().map(Object::toString).orElse(""),
                    Double.toString(a.percentile()),
                    agg.window().toString());
        }
        if (!producers.containsKey(id) && relatedTarget(id).isPresent()) {
            return List.of("related", id.qualified());
        }
        FeatureSpec f = featureSpec(id);
        String type = f.type().map(FeatureTypes::spelling).orElse("?");
        return switch (producers.get(id)) {
            case Producer.EntityKey k -> List.of("key", type);
            case Producer.Ingested i -> List.of("ingested", type);
            case Producer.Computed c ->
                List.of("expression", type, c.expression().text());
            case Producer.Related r -> List.of("related", type);
            case Producer.Listed l -> List.of("listed", type);
            case Producer.Aggregated a -> List.of("aggregate", type);
            case Producer.Resolved r -> {
                List<String> parts = new ArrayList<>(List.of("resolver", type));
                parts.addAll(resolvers.get(r.resolver()).definition());
                parts.add(id.name());
                yield parts;
            }
        };
    }

    private FeatureSpec featureSpec(FeatureId id) {
        return entities.get(id.entity()).features().get(id.name());
    }

    private FeatureSpec featureSpecOrNull(FeatureId id) {
        EntityScope e = entities.get(id.entity());
        return e == null ? null : e.features().get(id.name());
    }
}
