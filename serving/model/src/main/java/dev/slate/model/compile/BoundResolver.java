package dev.slate.model.compile;

import static java.util.Objects.requireNonNull;

import dev.slate.model.FeatureId;
import dev.slate.model.SourceLocation;
import dev.slate.model.graph.ResolverNode;
import dev.slate.model.spec.ResolverSpec;
import dev.slate.model.sql.SqlStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A SQL resolver bound to its entity: parameters and outputs are features. */
record BoundResolver(
        ResolverSpec.Sql spec,
        String entity,
        SqlStatement statement,
        List<FeatureId> parameters,
        List<ResolverNode.Output> outputs,
        Map<FeatureId, SourceLocation> outputLocations,
        Duration timeout) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    BoundResolver {
        requireNonNull(spec, "spec is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(statement, "statement is null");
        parameters = List.copyOf(parameters);
        outputs = List.copyOf(outputs);
        outputLocations = Map.copyOf(outputLocations);
        requireNonNull(timeout, "timeout is null");
    }

    String name() {
        return spec.name();
    }

    ResolverNode toNode() {
        return new ResolverNode(spec.name(), entity, spec.source(), statement.sql(), statement.positionalSql(), parameters, outputs,
                timeout, spec.location());
    }
}
