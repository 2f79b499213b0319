package dev.slate.serving.model.spec;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.SourceLocation;
import java.util.List;

/**
 * Everything a project's files declare, as written (names unbound, secret references unresolved).
 * Only {@link dev.slate.serving.model.ProjectCompiler} turns it into a {@link dev.slate.serving.model.graph.FeatureGraph}.
 */
public record ProjectSpec(
        String project,
        SourceLocation location,
        List<SourceSpec> sources,
        List<EntitySpec> entities,
        List<ResolverSpec> resolvers,
        List<NamedQuerySpec> namedQueries,
        List<AlertSpec> alerts) {
    public ProjectSpec {
        requireNonNull(project, "project is null");
        requireNonNull(location, "location is null");
        sources = List.copyOf(sources);
        entities = List.copyOf(entities);
        resolvers = List.copyOf(resolvers);
        namedQueries = List.copyOf(namedQueries);
        alerts = List.copyOf(alerts);
    }

    /** A project without alerts. */
    public ProjectSpec(
            String project,
            SourceLocation location,
            List<SourceSpec> sources,
            List<EntitySpec> entities,
            List<ResolverSpec> resolvers,
            List<NamedQuerySpec> namedQueries) {
        this(project, location, sources, entities, resolvers, namedQueries, List.of());
    }

    /** A project without named queries. */
    public ProjectSpec(
            String project,
            SourceLocation location,
            List<SourceSpec> sources,
            List<EntitySpec> entities,
            List<ResolverSpec> resolvers) {
        this(project, location, sources, entities, resolvers, List.of(), List.of());
    }
}
