package dev.slate.serving.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The one place that knows the bench table {@code slate_bench.items}: 100,000 rows, key {@code id},
 * columns {@code f1..f76} cycling through int, float and text. The PostgreSQL DDL, the feature
 * project and the baselines all derive from it.
 */
final class BenchSchema {

    static final String SCHEMA = "slate_bench";
    static final String TABLE = SCHEMA + ".items";
    /** Columns besides {@code id}. */
    static final int COLUMNS = 76;
    /** Features of entity {@code item} (cached): f1..f50. */
    static final int CACHED_FEATURES = 50;

    /** The type of one column, in PostgreSQL and in a feature project. */
    enum Kind {
        INT("bigint", "int"),
        FLOAT("double precision", "float"),
        TEXT("text", "string");

        final String sqlType;
        final String featureType;

        Kind(String sqlType, String featureType) {
            this.sqlType = sqlType;
            this.featureType = featureType;
        }
    }

    private BenchSchema() {}

    /** Column {@code f<i>}: int when i % 3 == 1, float when i % 3 == 2, text when i % 3 == 0. */
    static Kind kind(int column) {
        if (column < 1 || column > COLUMNS) {
            throw new IllegalArgumentException("column f" + column + " does not exist; columns are f1..f" + COLUMNS);
        }
        return switch (column % 3) {
            case 1 -> Kind.INT;
            case 2 -> Kind.FLOAT;
            default -> Kind.TEXT;
        };
    }

    static String column(int i) {
        return "f" + i;
    }

    /** {@code f1, f2, ..., f<n>}. */
    static String columnList(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(BenchSchema::column).collect(Collectors.joining(", "));
    }

    /** The SQL value of column {@code i} in the row of {@code g} (a generate_series value). Deterministic. */
    static String valueSql(int i) {
        return switch (kind(i)) {
            case INT -> "((g * 7919 + " + i + " * 104729) % 1000000)::bigint";
            case FLOAT -> "((g % 9973) * 0.25 + " + i + ")::double precision";
            case TEXT -> "'v' || (g % 1000) || '_' || " + i;
        };
    }

    static List<String> createStatements(int rows) {
        List<String> sql = new ArrayList<>();
        sql.add("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        sql.add("DROP TABLE IF EXISTS " + TABLE);
        StringBuilder create = new StringBuilder("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY");
        for (int i = 1; i <= COLUMNS; i++) {
            create.append(", ")
                    .append(column(i))
                    .append(' ')
                    .append(kind(i).sqlType)
                    .append(" NOT NULL");
        }
        sql.add(create.append(')').toString());
        StringBuilder insert =
                new StringBuilder("INSERT INTO " + TABLE + " (id, " + columnList(COLUMNS) + ") SELECT g");
        for (int i = 1; i <= COLUMNS; i++) {
            insert.append(", ").append(valueSql(i));
        }
        sql.add(insert.append(" FROM generate_series(1, ")
                .append(rows)
                .append(") AS g")
                .toString());
        sql.add("ANALYZE " + TABLE);
        return sql;
    }

    /** The resolver SQL of scenario (a)/(b): the key and f1..f50. */
    static String cachedSelect() {
        return "SELECT id, " + columnList(CACHED_FEATURES) + " FROM " + TABLE + " WHERE id = :id";
    }

    /** The resolver SQL of scenario (c): the key and all 76 columns. */
    static String liveSelect() {
        return "SELECT id, " + columnList(COLUMNS) + " FROM " + TABLE + " WHERE id = :id";
    }

    /** The same statement as {@link #liveSelect()} with a positional parameter, for the Vert.x PG baseline. */
    static String livePositionalSelect() {
        return liveSelect().replace(":id", "$1");
    }

    /** The raw baseline of scenario (d): the key and all 76 columns of many rows, ids as one int8[] parameter. */
    static String liveBulkSelect() {
        return "SELECT id, " + columnList(COLUMNS) + " FROM " + TABLE + " WHERE id = ANY($1::int8[])";
    }
}
