package dev.slate.serving.engine;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.Expression;
import dev.slate.serving.model.graph.ExpressionEvaluationException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.storage.spi.FeatureType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** A small hand-built graph DSL for engine tests (no parser involved). */
public final class TestGraphs {

    private final String project;
    private final Map<String, EntityNode> entities = new LinkedHashMap<>();
    private final Map<FeatureId, FeatureNode> features = new LinkedHashMap<>();
    private final Map<String, ResolverNode> resolvers = new LinkedHashMap<>();
    private final Map<String, SourceSpec> sources = new LinkedHashMap<>();

    private TestGraphs(String project) {
        this.project = project;
        sources.put(
                "db",
                new SourceSpec.Postgres(
                        "db",
                        "postgresql://127.0.0.1:5432/test",
                        Optional.of("postgres"),
                        Optional.empty(),
                        4,
                        SourceLocation.of("slate.yaml")));
    }

    public static TestGraphs project(String name) {
        return new TestGraphs(name);
    }

    public TestGraphs entity(String name, String key, FeatureType keyType, Optional<Duration> staleness) {
        FeatureId id = new FeatureId(name, key);
        entities.put(name, new EntityNode(name, id, keyType, staleness, SourceLocation.of("slate.yaml")));
        features.put(
                id,
                new FeatureNode(
                        id,
                        keyType,
                        staleness,
                        new Producer.EntityKey(),
                        "k",
                        Set.of(),
                        SourceLocation.of("slate.yaml")));
        return this;
    }

    public TestGraphs resolver(
            String name,
            String entity,
            List<String> params,
            List<String> outputs,
            FeatureType type,
            Optional<Duration> staleness,
            Duration timeout) {
        return resolver(
                name, entity, params, outputs, outputs.stream().map(o -> type).toList(), staleness, timeout);
    }

    public TestGraphs resolver(
            String name,
            String entity,
            List<String> params,
            List<String> outputs,
            List<FeatureType> types,
            Optional<Duration> staleness,
            Duration timeout) {
        List<ResolverNode.Output> outs = outputs.stream()
                .map(o -> new ResolverNode.Output(o, new FeatureId(entity, o)))
                .toList();
        resolvers.put(
                name,
                new ResolverNode(
                        name,
                        entity,
                        "db",
                        "select",
                        "select",
                        params.stream().map(p -> new FeatureId(entity, p)).toList(),
                        outs,
                        timeout,
                        SourceLocation.of("r.sql")));
        for (int i = 0; i < outputs.size(); i++) {
            String o = outputs.get(i);
            FeatureId id = new FeatureId(entity, o);
            features.put(
                    id,
                    new FeatureNode(
                            id,
                            types.get(i),
                            staleness,
                            new Producer.Resolved(name),
                            "v-" + name + "-" + o,
                            Set.of(),
                            SourceLocation.of("slate.yaml")));
        }
        return this;
    }

    public TestGraphs ingested(String entity, String name, FeatureType type, Optional<Duration> staleness) {
        FeatureId id = new FeatureId(entity, name);
        features.put(
                id,
                new FeatureNode(
                        id,
                        type,
                        staleness,
                        new Producer.Ingested(),
                        "ing",
                        Set.of(),
                        SourceLocation.of("slate.yaml")));
        return this;
    }

    public TestGraphs expression(
            String entity,
            String name,
            FeatureType type,
            Optional<Duration> staleness,
            List<String> deps,
            Function<List<Object>, Object> fn) {
        FeatureId id = new FeatureId(entity, name);
        List<FeatureId> depIds =
                deps.stream().map(d -> new FeatureId(entity, d)).toList();
        Expression e = new Expression() {
            @Override
            public String text() {
                return name + "(" + String.join(", ", deps) + ")";
            }

            @Override
            public List<FeatureId> dependencies() {
                return depIds;
            }

            @Override
            public Object evaluate(Function<FeatureId, Object> values, Instant now)
                    throws ExpressionEvaluationException {
                List<Object> args = depIds.stream().map(values).toList();
                try {
                    return fn.apply(args);
                } catch (RuntimeException ex) {
                    throw new ExpressionEvaluationException(ex.getMessage(), ex);
                }
            }
        };
        features.put(
                id,
                new FeatureNode(
                        id,
                        type,
                        staleness,
                        new Producer.Computed(e),
                        "e-" + name,
                        Set.of(),
                        SourceLocation.of("slate.yaml")));
        return this;
    }

    public FeatureGraph build() {
        return new FeatureGraph(project, "hash-" + project, entities, features, resolvers, sources);
    }
}
