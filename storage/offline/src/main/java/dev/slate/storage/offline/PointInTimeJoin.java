package dev.slate.storage.offline;

import static dev.slate.storage.offline.FeatureLogLayout.ENTITY_KEY;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE_VERSION;
import static dev.slate.storage.offline.FeatureLogLayout.OBSERVED_AT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_TYPE;
import static dev.slate.storage.offline.FeatureLogLayout.WRITE_SEQ;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.PointInTimeQuery;
import dev.slate.storage.spi.offline.PointInTimeResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The point-in-time join in DuckDB. The spine goes into a temporary table through the Appender (values
 * never enter SQL text); each feature is one {@code ASOF LEFT JOIN} against the Parquet files Iceberg
 * listed for it. The ASOF order key is {@code observed_at} (µs) in the high 64 bits and {@code write_seq}
 * in the low 64 bits of a HUGEINT, so of several observations with the same time the later write is the
 * one found; the spine row's key is {@code (t + 1) · 2^64 − 1}, which admits every write at time {@code t}.
 * The staleness bound is applied to the match: when the latest observation at or before {@code t} is too
 * old, so is every other.
 */
final class PointInTimeJoin {

    /**
     * The data files of one requested feature, how many rows they hold in all (Iceberg's record counts, before
     * filtering), and the time range worth reading from them.
     */
    record FeatureFiles(
            FeatureLookup lookup, List<String> paths, long records, long minObservedMicros, long maxObservedMicros) {}

    static final String TWO_TO_64 = "18446744073709551616";

    private PointInTimeJoin() {}

    static PointInTimeResult run(
            DuckDBConnection c,
            PointInTimeQuery query,
            List<String> encodedKeys,
            long[] inputMicros,
            List<FeatureFiles> features)
            throws SQLException {
        int n = inputMicros.length;
        EmbeddedDuckDb.execute(
                c, "CREATE OR REPLACE TEMP TABLE spine (row_id BIGINT, entity_key VARCHAR, t_us BIGINT)");
        try {
            try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spine")) {
                for (int i = 0; i < n; i++) {
                    appender.beginRow()
                            .append((long) i)
                            .append(encodedKeys.get(i))
                            .append(inputMicros[i])
                            .endRow();
                }
            }
            List<Object> parameters = new ArrayList<>();
            String sql = sql(features, parameters, c);
            List<List<StoredValue>> rows = new ArrayList<>(n);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int p = 0; p < parameters.size(); p++) {
                    ps.setObject(p + 1, parameters.get(p));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    int expectedRow = 0;
                    while (rs.next()) {
                        long rowId = rs.getLong(1);
                        if (rowId != expectedRow) {
                            throw new IllegalStateException(
                                    "point-in-time join returned row " + rowId + " where " + expectedRow + " was due");
                        }
                        StoredValue[] values = new StoredValue[features.size()];
                        for (int f = 0; f < values.length; f++) {
                            values[f] = read(rs, 2 + 2 * f, features.get(f).lookup(), inputMicros[expectedRow]);
                        }
                        rows.add(Arrays.asList(values));
                        expectedRow++;
                    }
                    if (expectedRow != n) {
                        throw new IllegalStateException(
                                "point-in-time join returned " + expectedRow + " rows for a spine of " + n);
                    }
                }
            }
            return new PointInTimeResult(rows);
        } finally {
            EmbeddedDuckDb.execute(c, "DROP TABLE IF EXISTS spine");
        }
    }

    private static String sql(List<FeatureFiles> features, List<Object> parameters, DuckDBConnection c)
            throws SQLException {
        StringBuilder select = new StringBuilder("SELECT s.row_id");
        StringBuilder from = new StringBuilder(
                " FROM (SELECT row_id, entity_key, (t_us::HUGEINT + 1) * " + TWO_TO_64 + " - 1 AS ord FROM spine) s");
        for (int f = 0; f < features.size(); f++) {
            FeatureFiles ff = features.get(f);
            if (ff.paths().isEmpty()) {
                select.append(", NULL::BIGINT, NULL");
                continue;
            }
            String alias = "f" + f;
            select.append(", ").append(alias).append(".obs_us, ").append(alias).append(".v");
            FeatureType type = ff.lookup().slot().type();
            from.append(" ASOF LEFT JOIN (SELECT ")
                    .append(ENTITY_KEY)
                    .append(", epoch_us(")
                    .append(OBSERVED_AT)
                    .append(") AS obs_us, ")
                    .append(valueExpression(type))
                    .append(" AS v, epoch_us(")
                    .append(OBSERVED_AT)
                    .append(")::HUGEINT * ")
                    .append(TWO_TO_64)
                    .append(" + ")
                    .append(WRITE_SEQ)
                    .append(" AS ord FROM read_parquet(?) WHERE ")
                    .append(FEATURE_VERSION)
                    .append(" = ? AND ")
                    .append(VALUE_TYPE)
                    .append(" = ? AND ")
                    .append(OBSERVED_AT)
                    .append(" >= make_timestamptz(?::BIGINT) AND ")
                    .append(OBSERVED_AT)
                    .append(" <= make_timestamptz(?::BIGINT)) ")
                    .append(alias)
                    .append(" ON s.entity_key = ")
                    .append(alias)
                    .append(".")
                    .append(ENTITY_KEY)
                    .append(" AND s.ord >= ")
                    .append(alias)
                    .append(".ord");
            parameters.add(c.createArrayOf("VARCHAR", ff.paths().toArray()));
            parameters.add(ff.lookup().slot().version());
            parameters.add(type.spelling());
            parameters.add(ff.minObservedMicros());
            parameters.add(ff.maxObservedMicros());
        }
        return select.append(from).append(" ORDER BY s.row_id").toString();
    }

    /** The expression that gives the value of {@code type} in a form read without time-zone or calendar conversions. */
    static String valueExpression(FeatureType type) {
        String column = FeatureLogLayout.valueColumn(type);
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case DATETIME -> "epoch_us(" + column + ")";
                    case DATE -> "(" + column + " - DATE '1970-01-01')";
                    case INT, FLOAT, STRING, BOOL -> column;
                };
            case FeatureType.ListOf ignored -> column;
        };
    }

    private static StoredValue read(ResultSet rs, int column, FeatureLookup lookup, long inputMicros)
            throws SQLException {
        long observed = rs.getLong(column);
        if (rs.wasNull()) {
            return null;
        }
        Optional<Long> bound = lookup.maxStaleness().map(PointInTimeJoin::micros);
        if (bound.isPresent() && inputMicros - observed > bound.get()) {
            return null;
        }
        return new StoredValue(value(rs, column + 1, lookup.slot().type()), ValueCodec.fromEpochMicros(observed));
    }

    static Object value(ResultSet rs, int column, FeatureType type) throws SQLException {
        Object value = switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> rs.getLong(column);
                    case FLOAT -> rs.getDouble(column);
                    case STRING -> rs.getString(column);
                    case BOOL -> rs.getBoolean(column);
                    case DATETIME -> ValueCodec.fromEpochMicros(rs.getLong(column));
                    case DATE -> LocalDate.ofEpochDay(rs.getLong(column));
                };
            case FeatureType.ListOf ignored -> {
                String text = rs.getString(column);
                yield text == null ? null : ValueCodec.decode(type, text);
            }
        };
        return rs.wasNull() ? null : value;
    }

    /** A staleness bound in microseconds, saturated: any bound past the range of times is as good as none. */
    static long micros(Duration d) {
        if (d.getSeconds() >= Long.MAX_VALUE / 2_000_000L) {
            return Long.MAX_VALUE / 2;
        }
        return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
    }
}
