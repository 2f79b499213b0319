package dev.slate.serving.model.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.IntFunction;

/**
 * What Slate reads from a resolver's SQL.
 *
 * @param parameters distinct {@code :name} parameters in order of first use ({@code $1} first)
 * @param positionalSql the SQL with each {@code :name} replaced by its {@code $n}
 * @param columns the SELECT list's column names (empty when it could not be read)
 * @param selectsStar the SELECT list has {@code *} or {@code t.*}
 * @param issues what is wrong with the SQL as a resolver (empty when nothing)
 */
public record SqlStatement(
        String sql,
        List<Parameter> parameters,
        String positionalSql,
        List<Column> columns,
        boolean selectsStar,
        List<SqlIssue> issues) {

    public SqlStatement {
        requireNonNull(sql, "sql is null");
        parameters = List.copyOf(parameters);
        requireNonNull(positionalSql, "positionalSql is null");
        columns = List.copyOf(columns);
        issues = List.copyOf(issues);
    }

    /** Reads resolver SQL. Never throws: problems are listed in {@link #issues()}. */
    public static SqlStatement analyze(String sql) {
        return SqlAnalyzer.analyze(sql);
    }

    /**
     * The SQL with every use of a {@code :name} parameter replaced by {@code replacement.apply(n)}, where {@code n} is
     * the parameter's position (1 for {@code $1}); strings, quoted names and comments are left alone. A bulk query
     * uses it to run one statement for many rows (docs/specs/resolver-batching.md).
     */
    public String withParameters(IntFunction<String> replacement) {
        return SqlAnalyzer.replaceParameters(sql, parameters, replacement);
    }

    /** A named parameter and the offset of its first use. */
    public record Parameter(String name, int offset) {
        public Parameter {
            requireNonNull(name, "name is null");
        }
    }

    /** A selected column (as PostgreSQL names it: unquoted names folded to lower case) and where its name is. */
    public record Column(String name, int offset) {
        public Column {
            requireNonNull(name, "name is null");
        }
    }
}
