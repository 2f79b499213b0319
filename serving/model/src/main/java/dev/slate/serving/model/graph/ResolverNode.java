package dev.slate.serving.model.graph;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A resolver bound against the graph: SQL on a source, or an HTTP call ({@code http} present; then
 * {@code source}, {@code sql} and {@code positionalSql} are empty and each output's {@code column} is
 * a JSON pointer into the answer).
 *
 * @param entity the entity whose features it reads and writes
 * @param source the source name (a key of {@link FeatureGraph#sources()})
 * @param sql the SQL as written, with {@code :name} parameters
 * @param positionalSql the same SQL with parameters replaced by {@code $1..$n} (PostgreSQL style)
 * @param parameters the feature bound to each positional parameter, in order ($1 first)
 * @param outputs result column to feature, in select-list order
 * @param timeout how long one execution may take
 * @param http the request of an HTTP resolver; empty for SQL
 * @param many it lists the rows of a {@code has_many} relation ({@code many: true}): its outputs are columns of
 *     each related row, not features it produces
 */
public record ResolverNode(
        String name,
        String entity,
        String source,
        String sql,
        String positionalSql,
        List<FeatureId> parameters,
        List<Output> outputs,
        Duration timeout,
        SourceLocation location,
        Optional<HttpCall> http,
        boolean many) {

    public ResolverNode {
        requireNonNull(name, "name is null");
        requireNonNull(entity, "entity is null");
        requireNonNull(source, "source is null");
        requireNonNull(sql, "sql is null");
        requireNonNull(positionalSql, "positionalSql is null");
        parameters = List.copyOf(parameters);
        outputs = List.copyOf(outputs);
        requireNonNull(timeout, "timeout is null");
        requireNonNull(location, "location is null");
        requireNonNull(http, "http is null");
    }

    /** A SQL resolver. */
    public ResolverNode(
            String name,
            String entity,
            String source,
            String sql,
            String positionalSql,
            List<FeatureId> parameters,
            List<Output> outputs,
            Duration timeout,
            SourceLocation location) {
        this(name, entity, source, sql, positionalSql, parameters, outputs, timeout, location, Optional.empty(), false);
    }

    /** A resolver of single rows (SQL, or HTTP with {@code http}). */
    public ResolverNode(
            String name,
            String entity,
            String source,
            String sql,
            String positionalSql,
            List<FeatureId> parameters,
            List<Output> outputs,
            Duration timeout,
            SourceLocation location,
            Optional<HttpCall> http) {
        this(name, entity, source, sql, positionalSql, parameters, outputs, timeout, location, http, false);
    }

    /** An HTTP resolver. */
    public static ResolverNode http(
            String name,
            String entity,
            List<FeatureId> parameters,
            List<Output> outputs,
            SourceLocation location,
            HttpCall call) {
        return new ResolverNode(
                name, entity, "", "", "", parameters, outputs, call.policy().timeout(), location, Optional.of(call));
    }

    /** A selected column and the feature it fills. */
    public record Output(String column, FeatureId feature) {
        public Output {
            requireNonNull(column, "column is null");
            requireNonNull(feature, "feature is null");
        }
    }
}
