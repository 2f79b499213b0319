package dev.slate.serving.model.compile;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.EmbeddedText;
import dev.slate.serving.model.spec.ResolverSpec;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.serving.model.sql.SqlIssue;
import dev.slate.serving.model.sql.SqlStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds a SQL resolver: its source, its entity ({@code resolves}, or the one entity whose features
 * cover every column and parameter), its parameters and its outputs.
 */
final class ResolverBinder {
    private final Map<String, EntityScope> entities;
    private final Map<String, SourceSpec> sources;
    private final Problems problems;

    ResolverBinder(Map<String, EntityScope> entities, Map<String, SourceSpec> sources, Problems problems) {
        this.entities = entities;
        this.sources = sources;
        this.problems = problems;
    }

    /** The bound resolver, or empty when a problem stops binding (reported). */
    Optional<BoundResolver> bind(ResolverSpec.Sql spec) {
        String what = "resolver '" + spec.name() + "'";
        boolean ok = checkSource(spec, what);

        EmbeddedText sql = spec.sql();
        SqlStatement statement = SqlStatement.analyze(sql.text());
        for (SqlIssue issue : statement.issues()) {
            problems.add(sql.locate(issue.offset()), ErrorCode.BAD_SQL, what + ": " + issue.message());
        }
        if (!statement.issues().isEmpty()) {
            return Optional.empty();
        }

        Map<String, SourceLocation> columns = columns(spec, statement, what);
        if (columns == null) {
            return Optional.empty();
        }
        Map<String, SourceLocation> parameters = new LinkedHashMap<>();
        for (SqlStatement.Parameter p : statement.parameters()) {
            parameters.put(p.name(), sql.locate(p.offset()));
        }

        Optional<EntityScope> entity = entity(spec, columns.keySet(), parameters.keySet(), what);
        if (entity.isEmpty()) {
            return Optional.empty();
        }
        EntityScope scope = entity.get();
        String hint = spec.resolves().isPresent()
                ? ""
                : " (the resolver was bound to entity " + scope.name()
                        + " because it matches most names; set 'resolves:' to choose another)";

        List<FeatureId> boundParameters = new ArrayList<>();
        for (Map.Entry<String, SourceLocation> p : parameters.entrySet()) {
            if (scope.hasUsable(p.getKey())) {
                boundParameters.add(new FeatureId(scope.name(), p.getKey()));
            } else {
                problems.add(
                        p.getValue(),
                        ErrorCode.UNBOUND_PARAMETER,
                        what + ": parameter :" + p.getKey()
                                + " names no feature of entity " + scope.name()
                                + Suggestions.didYouMean(p.getKey(), scope.usableNames())
                                + "; a parameter :name takes the value of feature " + scope.name() + ".name" + hint);
                ok = false;
            }
        }

        List<ResolverNode.Output> outputs = new ArrayList<>();
        Map<FeatureId, SourceLocation> outputLocations = new LinkedHashMap<>();
        String key = scope.key().orElse(null);
        for (Map.Entry<String, SourceLocation> c : columns.entrySet()) {
            String column = c.getKey();
            if ((parameters.containsKey(column) || column.equals(key)) && !spec.many()) {
                continue; // an echo of an input (e.g. SELECT id ... WHERE id = :id), not an output
            }
            // many: true lists related rows: their key and foreign key are columns of each row like any other
            if (!scope.hasUsable(column)) {
                problems.add(
                        c.getValue(),
                        ErrorCode.UNKNOWN_FEATURE,
                        what + ": column '" + column + "' is not a feature of entity "
                                + scope.name() + Suggestions.didYouMean(column, scope.usableNames())
                                + "; every selected column must be a feature (rename it with AS <feature>)" + hint);
                ok = false;
                continue;
            }
            FeatureId id = new FeatureId(scope.name(), column);
            outputs.add(new ResolverNode.Output(column, id));
            outputLocations.put(id, c.getValue());
        }
        if (ok && outputs.isEmpty()) {
            problems.add(
                    spec.location(),
                    ErrorCode.BAD_SQL,
                    what + " produces no feature: every selected column is the key or a parameter");
            ok = false;
        }
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new BoundResolver(
                spec,
                scope.name(),
                statement,
                boundParameters,
                outputs,
                outputLocations,
                spec.timeout().orElse(BoundResolver.DEFAULT_TIMEOUT)));
    }

    private boolean checkSource(ResolverSpec.Sql spec, String what) {
        SourceSpec source = sources.get(spec.source());
        if (source == null) {
            problems.add(
                    spec.sourceLocation(),
                    ErrorCode.UNKNOWN_SOURCE,
                    what + " reads source '" + spec.source()
                            + "', which the project does not declare"
                            + Suggestions.didYouMean(spec.source(), sources.keySet())
                            + (sources.isEmpty()
                                    ? "; declare it under 'sources:' in slate.yaml"
                                    : "; declared sources: " + String.join(", ", sources.keySet())));
            return false;
        }
        return switch (source) {
            case SourceSpec.Postgres pg -> true;
            case SourceSpec.Parquet pq -> true; // DuckDB SQL over a view named after the source
        };
    }

    /** Output columns with where each is named, or null when they cannot be known (reported). */
    private Map<String, SourceLocation> columns(ResolverSpec.Sql spec, SqlStatement statement, String what) {
        EmbeddedText sql = spec.sql();
        Map<String, SourceLocation> columns = new LinkedHashMap<>();
        if (spec.outputs().isPresent()) {
            Set<String> selected = new HashSet<>();
            statement.columns().forEach(c -> selected.add(c.name()));
            boolean checkable = !statement.selectsStar();
            boolean ok = true;
            for (ResolverSpec.Named output : spec.outputs().get()) {
                if (columns.containsKey(output.name())) {
                    problems.add(
                            output.location(),
                            ErrorCode.DUPLICATE_NAME,
                            what + ": output '" + output.name() + "' is listed twice");
                    continue;
                }
                if (checkable && !selected.contains(output.name())) {
                    problems.add(
                            output.location(),
                            ErrorCode.BAD_SQL,
                            what + ": output '" + output.name() + "' is not in the SELECT list"
                                    + Suggestions.didYouMean(output.name(), selected));
                    ok = false;
                    continue;
                }
                columns.put(output.name(), output.location());
            }
            return ok ? columns : null;
        }
        if (statement.selectsStar()) {
            problems.add(
                    sql.start(),
                    ErrorCode.BAD_SQL,
                    what + ": SELECT * cannot be mapped to features; list the columns"
                            + " (SELECT email, age ...) or give 'outputs:'");
            return null;
        }
        boolean ok = true;
        for (SqlStatement.Column c : statement.columns()) {
            if (columns.containsKey(c.name())) {
                problems.add(
                        sql.locate(c.offset()),
                        ErrorCode.BAD_SQL,
                        what + ": column '" + c.name() + "' is selected twice");
                ok = false;
                continue;
            }
            columns.put(c.name(), sql.locate(c.offset()));
        }
        return ok ? columns : null;
    }

    private Optional<EntityScope> entity(
            ResolverSpec.Sql spec, Set<String> columns, Set<String> parameters, String what) {
        if (spec.resolves().isPresent()) {
            String name = spec.resolves().get();
            EntityScope scope = entities.get(name);
            if (scope == null) {
                problems.add(
                        spec.resolvesLocation(),
                        ErrorCode.UNKNOWN_ENTITY,
                        what + " resolves entity '" + name
                                + "', which the project does not declare"
                                + Suggestions.didYouMean(name, entities.keySet())
                                + "; declared entities: " + String.join(", ", entities.keySet()));
            }
            return Optional.ofNullable(scope);
        }
        Set<String> names = new LinkedHashSet<>(columns);
        names.addAll(parameters);
        List<EntityScope> complete = new ArrayList<>();
        int bestCount = 0;
        List<EntityScope> best = new ArrayList<>();
        for (EntityScope scope : entities.values()) {
            int count = (int) names.stream().filter(scope::hasUsable).count();
            if (count == names.size()) {
                complete.add(scope);
            }
            if (count > bestCount) {
                bestCount = count;
                best.clear();
                best.add(scope);
            } else if (count == bestCount && count > 0) {
                best.add(scope);
            }
        }
        if (complete.size() == 1) {
            return Optional.of(complete.getFirst());
        }
        if (complete.size() > 1) {
            problems.add(
                    spec.location(),
                    ErrorCode.AMBIGUOUS_ENTITY,
                    what + ": entities "
                            + String.join(
                                    ", ",
                                    complete.stream().map(EntityScope::name).toList())
                            + " all have features named " + String.join(", ", names)
                            + "; add 'resolves: <entity>' to say which one it resolves");
            return Optional.empty();
        }
        if (best.size() == 1) {
            return Optional.of(best.getFirst()); // the missing names are reported as unknown features
        }
        problems.add(
                spec.location(),
                ErrorCode.UNKNOWN_ENTITY,
                what + ": no entity has features named " + String.join(", ", names)
                        + "; add 'resolves: <entity>' and make every selected column and :parameter a feature of it");
        return Optional.empty();
    }
}
