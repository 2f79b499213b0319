package dev.slate.serving.model.parse;

import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.spec.AlertSpec;
import dev.slate.serving.model.spec.EntitySpec;
import dev.slate.serving.model.spec.NamedQuerySpec;
import dev.slate.serving.model.spec.ProjectSpec;
import dev.slate.serving.model.spec.ResolverSpec;
import dev.slate.serving.model.spec.SourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Gathers what the files of one project declare, in file order. */
final class ProjectSpecBuilder {
    private String project;
    private SourceLocation projectLocation;
    private final List<SourceSpec> sources = new ArrayList<>();
    private final List<EntitySpec> entities = new ArrayList<>();
    private final List<ResolverSpec> resolvers = new ArrayList<>();
    private final List<NamedQuerySpec> namedQueries = new ArrayList<>();
    private final List<AlertSpec> alerts = new ArrayList<>();
    private boolean resolverUnreadable;

    void project(String name, SourceLocation location) {
        this.project = name;
        this.projectLocation = location;
    }

    void source(SourceSpec source) {
        sources.add(source);
    }

    void entity(EntitySpec entity) {
        entities.add(entity);
    }

    void resolver(ResolverSpec resolver) {
        resolvers.add(resolver);
    }

    void namedQuery(NamedQuerySpec query) {
        namedQueries.add(query);
    }

    void alert(AlertSpec alert) {
        alerts.add(alert);
    }

    /** A resolver entry could not be read (its problem is reported). */
    void resolverUnreadable() {
        resolverUnreadable = true;
    }

    boolean allResolversRead() {
        return !resolverUnreadable;
    }

    /** The project, when slate.yaml named it. */
    Optional<ProjectSpec> build() {
        if (project == null) {
            return Optional.empty();
        }
        return Optional.of(
                new ProjectSpec(project, projectLocation, sources, entities, resolvers, namedQueries, alerts));
    }
}
