package dev.slate.model.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;

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
