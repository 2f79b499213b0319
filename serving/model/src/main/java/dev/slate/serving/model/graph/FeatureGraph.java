package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.spec.AlertSpec;
import dev.slate.serving.model.spec.SourceSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated, compiled feature project: what Slate computes from what the user declared.
 * Immutable; serving reads one snapshot per request.
 *
 * @param project project name
 * @param contentHash SHA-256 (hex) over the project's files, stable across file order
 * @param entities entities by name, in declaration order
 * @param features every feature by id, in declaration order
 * @param resolvers resolvers by name, in declaration order
 * @param sources sources by name (secret references unresolved)
 * @param namedQueries the named queries, in declaration order
 * @param relations {@code has_one} / {@code has_many} relations by id ({@code transaction.user}), in declaration order
 * @param alerts the alert rules the project declares (checked against the environment by the control plane)
 * @param aggregations windowed aggregations by id ({@code user.txn_count}), in declaration order; each window is
 *     in {@code features} as {@code user.txn_count[1h]}
 */
public record FeatureGraph(
        String project,
        String contentHash,
        Map<String, EntityNode> entities,
        Map<FeatureId, FeatureNode> features,
        Map<String, ResolverNode> resolvers,
        Map<String, SourceSpec> sources,
        List<NamedQuery> namedQueries,
        Map<FeatureId, RelationNode> relations,
        Map<FeatureId, AggregationNode> aggregations,
        List<AlertSpec> alerts) {

    public FeatureGraph {
        requireNonNull(project, "project is null");
        requireNonNull(contentHash, "contentHash is null");
        entities = Collections.unmodifiableMap(new LinkedHashMap<>(entities));
        features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
        resolvers = Collections.unmodifiableMap(new LinkedHashMap<>(resolvers));
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        namedQueries = List.copyOf(namedQueries);
        relations = Collections.unmodifiableMap(new LinkedHashMap<>(relations));
        aggregations = Collections.unmodifiableMap(new LinkedHashMap<>(aggregations));
        alerts = List.copyOf(alerts);
    }

    /** A graph without alerts. */
    public FeatureGraph(
            String project,
            String contentHash,
            Map<String, EntityNode> entities,
            Map<FeatureId, FeatureNode> features,
            Map<String, ResolverNode> resolvers,
            Map<String, SourceSpec> sources,
            List<NamedQuery> namedQueries,
            Map<FeatureId, RelationNode> relations,
            Map<FeatureId, AggregationNode> aggregations) {
        this(
                project,
                contentHash,
                entities,
                features,
                resolvers,
                sources,
                namedQueries,
                relations,
                aggregations,
                List.of());
    }

    /** A graph without relations or aggregations. */
    public FeatureGraph(
            String project,
            String contentHash,
            Map<String, EntityNode> entities,
            Map<FeatureId, FeatureNode> features,
            Map<String, ResolverNode> resolvers,
            Map<String, SourceSpec> sources,
            List<NamedQuery> namedQueries) {
        this(project, contentHash, entities, features, resolvers, sources, namedQueries, Map.of(), Map.of());
    }

    /** A graph without named queries. */
    public FeatureGraph(
            String project,
            String contentHash,
            Map<String, EntityNode> entities,
            Map<FeatureId, FeatureNode> features,
            Map<String, ResolverNode> resolvers,
            Map<String, SourceSpec> sources) {
        this(project, contentHash, entities, features, resolvers, sources, List.of(), Map.of(), Map.of());
    }

    /**
     * A declared feature, or a feature read through {@code has_one} relations ({@code transaction.user.age},
     * whose name is {@code user.age}); see {@link RelationPaths}.
     */
    public Optional<FeatureNode> feature(FeatureId id) {
        FeatureNode declared = features.get(id);
        return declared != null ? Optional.of(declared) : RelationPaths.resolve(this, id);
    }

    public Optional<EntityNode> entity(String name) {
        return Optional.ofNullable(entities.get(name));
    }
}
