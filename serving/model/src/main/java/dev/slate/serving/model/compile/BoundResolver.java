package dev.slate.serving.model.compile;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.ResolverSpec;
import dev.slate.serving.model.sql.SqlStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A resolver bound to its entity: parameters and outputs are features.
 *
 * @param definition what defines its outputs' values apart from the output's own name (for feature versions):
 *     for SQL the source and the SQL text
 */
record BoundResolver(
        String name,
        String entity,
        List<FeatureId> parameters,
        List<ResolverNode.Output> outputs,
        Map<FeatureId, SourceLocation> outputLocations,
        List<String> definition,
        ResolverNode node) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    BoundResolver {
        requireNonNull(name, "name is null");
        requireNonNull(entity, "entity is null");
        parameters = List.copyOf(parameters);
        outputs = List.copyOf(outputs);
        outputLocations = Map.copyOf(outputLocations);
        definition = List.copyOf(definition);
        requireNonNull(node, "node is null");
    }

    /** A SQL resolver. */
    BoundResolver(
            ResolverSpec.Sql spec,
            String entity,
            SqlStatement statement,
            List<FeatureId> parameters,
            List<ResolverNode.Output> outputs,
            Map<FeatureId, SourceLocation> outputLocations,
            Duration timeout) {
        this(
                spec.name(),
                entity,
                parameters,
                outputs,
                outputLocations,
                List.of(spec.source(), statement.sql()),
                new ResolverNode(
                        spec.name(),
                        entity,
                        spec.source(),
                        statement.sql(),
                        statement.positionalSql(),
                        parameters,
                        outputs,
                        timeout,
                        spec.location(),
                        Optional.empty(),
                        spec.many()));
    }

    ResolverNode toNode() {
        return node;
    }
}
