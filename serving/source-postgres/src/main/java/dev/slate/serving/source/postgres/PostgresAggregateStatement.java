package dev.slate.serving.source.postgres;

import dev.slate.serving.engine.aggregate.AggregatePartial;
import dev.slate.serving.engine.exec.AggregateQuery;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.RowCondition;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one statement that computes a pushdown step's aggregates in PostgreSQL (docs/specs/aggregations.md, "Online:
 * pushdown"): the resolver's SQL as a subquery cut to the longest window, then one aggregate (or one scalar subquery)
 * per item over its own window and {@code where}. Values reach the statement only as bind parameters; the only
 * identifiers written into it are the resolver's columns, quoted by {@link SqlQuoting}.
 *
 * <p>The SQL is written so that PostgreSQL answers exactly what Slate computes from the rows:
 * <ul>
 *   <li>a float is summed as its shortest decimal ({@code x::text::numeric}; float8out writes the shortest form that
 *       reads back exactly), as {@code AggregateState} does, so sums, means and standard deviations are exact;</li>
 *   <li>NaN is skipped (PostgreSQL orders NaN above every number, Slate skips it), infinities are counted apart
 *       (they make a sum a per-feature error);</li>
 *   <li>{@code -0.0} sorts before {@code 0.0} and the two are distinct values, as in Java;</li>
 *   <li>{@code approx_percentile} takes the value at rank ⌈p·n⌉ with p read as the decimal it is written as.</li>
 * </ul>
 */
final class PostgresAggregateStatement {
    private static final String ROWS = "slate_rows";
    private static final String ALIAS = "slate_a";

    final String sql;
    final Tuple tuple;
    private final List<Reader> readers;

    private interface Reader {
        AggregatePartial read(Map<String, Object> row);
    }

    private PostgresAggregateStatement(String sql, Tuple tuple, List<Reader> readers) {
        this.sql = sql;
        this.tuple = tuple;
        this.readers = readers;
    }

    /** One partial per item of the query, in order, from the statement's single row. */
    List<AggregatePartial> read(Map<String, Object> row) {
        List<AggregatePartial> out = new ArrayList<>(readers.size());
        for (Reader r : readers) {
            out.add(r.read(row));
        }
        return out;
    }

    static PostgresAggregateStatement of(String resolverSql, AggregateQuery query, Object[] parameters) {
        Tuple tuple = Tuple.tuple();
        for (Object p : parameters) {
            tuple.addValue(p instanceof Instant i ? i.atOffset(ZoneOffset.UTC) : p);
        }
        String time = "r." + SqlQuoting.identifier(query.timeColumn());
        tuple.addValue(query.after().atOffset(ZoneOffset.UTC));
        int after = tuple.size();
        tuple.addValue(query.until().atOffset(ZoneOffset.UTC));
        int until = tuple.size();
        StringBuilder sql = new StringBuilder("WITH ")
                .append(ROWS)
                .append(" AS MATERIALIZED (SELECT * FROM (")
                .append(resolverSql)
                .append("\n) AS r WHERE ")
                .append(time)
                .append(" > $")
                .append(after)
                .append(" AND ")
                .append(time)
                .append(" <= $")
                .append(until)
                .append(")\nSELECT ");
        List<Reader> readers = new ArrayList<>();
        int column = 0;
        for (AggregateQuery.Item item : query.items()) {
            StringBuilder filter = new StringBuilder("TRUE");
            if (!item.after().equals(query.after())) {
                tuple.addValue(item.after().atOffset(ZoneOffset.UTC));
                filter.append(" AND ").append(time).append(" > $").append(tuple.size());
            }
            for (AggregateQuery.Condition c : item.where()) {
                filter.append(" AND ").append(condition(c, tuple));
            }
            if (item.function() == AggregateFunction.COUNT) {
                int c = column++;
                append(sql, c, "count(*) FILTER (WHERE " + filter + ")");
                readers.add(row -> new AggregatePartial(count(row, c), BigDecimal.ZERO, BigDecimal.ZERO, null, 0));
                continue;
            }
            FeatureType type = item.type();
            boolean isFloat = type == FeatureType.Scalar.FLOAT;
            String x = value(item.column().orElseThrow(), type);
            String valid = filter + " AND " + x + " IS NOT NULL" + (isFloat ? " AND " + x + " <> 'NaN'::float8" : "");
            int count = column++;
            append(sql, count, "count(*) FILTER (WHERE " + valid + ")");
            switch (item.function()) {
                case SUM, MEAN, STDDEV -> {
                    String finite = isFloat ? " AND " + x + " NOT IN ('Infinity'::float8, '-Infinity'::float8)" : "";
                    String num = isFloat ? "(" + x + ")::text::numeric" : "(" + x + ")::numeric";
                    int sum = column++;
                    append(sql, sum, "sum(" + num + ") FILTER (WHERE " + valid + finite + ")");
                    int squares = column++;
                    append(
                            sql,
                            squares,
                            item.function() == AggregateFunction.STDDEV
                                    ? "sum(" + num + " * " + num + ") FILTER (WHERE " + valid + finite + ")"
                                    : "NULL::numeric");
                    int infinities = column++;
                    append(
                            sql,
                            infinities,
                            isFloat ? "count(*) FILTER (WHERE " + valid + " AND NOT (TRUE" + finite + "))" : "0::int8");
                    readers.add(row -> new AggregatePartial(
                            count(row, count),
                            decimal(row.get(ALIAS + sum)),
                            decimal(row.get(ALIAS + squares)),
                            null,
                            count(row, infinities)));
                }
                case MIN, MAX -> {
                    boolean min = item.function() == AggregateFunction.MIN;
                    int extreme = column++;
                    append(sql, extreme, (min ? "min(" : "max(") + x + ") FILTER (WHERE " + valid + ")");
                    int zero = column++;
                    // which zero: Java orders -0.0 below 0.0, PostgreSQL takes them as equal
                    append(
                            sql,
                            zero,
                            isFloat
                                    ? "bool_or(" + x + "::text = '" + (min ? "-0" : "0") + "') FILTER (WHERE " + valid
                                            + ")"
                                    : "NULL::bool");
                    readers.add(row -> {
                        Object v = row.get(ALIAS + extreme);
                        if (v instanceof Double d && d == 0.0) {
                            boolean has = Boolean.TRUE.equals(row.get(ALIAS + zero));
                            v = min == has ? -0.0 : 0.0;
                        }
                        return new AggregatePartial(count(row, count), BigDecimal.ZERO, BigDecimal.ZERO, v, 0);
                    });
                }
                case COUNT_DISTINCT -> {
                    int distinct = column++;
                    append(
                            sql,
                            distinct,
                            "count(DISTINCT " + (isFloat ? x + "::text" : x) + ") FILTER (WHERE " + valid + ")");
                    readers.add(row -> new AggregatePartial(
                            count(row, count), BigDecimal.ZERO, BigDecimal.ZERO, count(row, distinct), 0));
                }
                case FIRST, LAST -> {
                    String direction = item.function() == AggregateFunction.FIRST ? " ASC" : " DESC";
                    int value = column++;
                    append(
                            sql,
                            value,
                            "(SELECT " + x + " FROM " + ROWS + " AS r WHERE " + valid + " ORDER BY " + time + direction
                                    + ", " + x + direction + (isFloat ? ", (" + x + "::text <> '-0')" + direction : "")
                                    + " LIMIT 1)");
                    readers.add(row -> new AggregatePartial(
                            count(row, count), BigDecimal.ZERO, BigDecimal.ZERO, row.get(ALIAS + value), 0));
                }
                case APPROX_PERCENTILE -> {
                    tuple.addValue(BigDecimal.valueOf(item.percentile()));
                    int p = tuple.size();
                    int value = column++;
                    append(
                            sql,
                            value,
                            "(SELECT q.v FROM (SELECT " + x + " AS v, row_number() OVER (ORDER BY " + x
                                    + (isFloat ? ", (" + x + "::text <> '-0')" : "")
                                    + ") AS rn, count(*) OVER () AS n FROM " + ROWS + " AS r WHERE " + valid
                                    + ") AS q WHERE q.rn = GREATEST(1, LEAST(q.n, CEIL($" + p
                                    + "::numeric * q.n))))");
                    readers.add(row -> new AggregatePartial(
                            count(row, count), BigDecimal.ZERO, BigDecimal.ZERO, row.get(ALIAS + value), 0));
                }
                case COUNT, APPROX_COUNT_DISTINCT ->
                    throw new IllegalArgumentException(item.function() + " is not computed in SQL");
            }
        }
        sql.append("\nFROM ").append(ROWS).append(" AS r");
        return new PostgresAggregateStatement(sql.toString(), tuple, List.copyOf(readers));
    }

    private static void append(StringBuilder sql, int column, String expression) {
        sql.append(column == 0 ? "" : ",\n  ")
                .append(expression)
                .append(" AS ")
                .append(ALIAS)
                .append(column);
    }

    /** The column as the feature's type: numbers are cast so PostgreSQL compares and sums what Slate would. */
    private static String value(String column, FeatureType type) {
        String c = "r." + SqlQuoting.identifier(column);
        return switch (type) {
            case FeatureType.Scalar.INT -> "(" + c + ")::int8";
            case FeatureType.Scalar.FLOAT -> "(" + c + ")::float8";
            default -> c;
        };
    }

    private static String condition(AggregateQuery.Condition c, Tuple tuple) {
        tuple.addValue(c.literal());
        String bound = "$" + tuple.size()
                + switch (c.type()) {
                    case FeatureType.Scalar.INT -> "::int8";
                    case FeatureType.Scalar.FLOAT -> "::float8";
                    case FeatureType.Scalar.STRING -> "::text";
                    case FeatureType.Scalar.BOOL -> "::bool";
                    default -> throw new IllegalArgumentException("no condition on " + c.type());
                };
        String x = value(c.column(), c.type());
        String compared = x + " " + c.operator().sql() + " " + bound;
        // PostgreSQL orders NaN above every number; in CEL NaN is greater than nothing
        if (c.type() == FeatureType.Scalar.FLOAT
                && (c.operator() == RowCondition.Operator.GREATER
                        || c.operator() == RowCondition.Operator.GREATER_OR_EQUAL)) {
            compared = "(" + compared + " AND " + x + " <> 'NaN'::float8)";
        }
        return compared;
    }

    private static long count(Map<String, Object> row, int column) {
        return ((Number) row.get(ALIAS + column)).longValue();
    }

    private static BigDecimal decimal(Object value) {
        return switch (value) {
            case null -> BigDecimal.ZERO;
            case Numeric n -> n.bigDecimalValue();
            case BigDecimal d -> d;
            case Number n -> new BigDecimal(n.toString());
            default -> throw new IllegalArgumentException("not a number: " + value);
        };
    }
}
