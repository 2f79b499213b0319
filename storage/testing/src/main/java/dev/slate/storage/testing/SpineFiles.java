package dev.slate.storage.testing;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import dev.slate.storage.spi.offline.PointInTimeExport;
import dev.slate.storage.spi.offline.SpineRow;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Spine and output files of {@link PointInTimeExport} for the reference store and the contract suite,
 * read and written with a private in-memory DuckDB used as a plain Parquet codec (no joins).
 */
public final class SpineFiles {

    private SpineFiles() {}

    /** Writes {@code spine} as a spine file with key columns {@code keyColumns} (typed by the first row's parts). */
    public static void write(Path file, List<String> keyColumns, List<SpineRow> spine) {
        try (EmbeddedDuckDb db = EmbeddedDuckDb.open();
                DuckDBConnection c = db.connect()) {
            StringBuilder ddl = new StringBuilder("CREATE TEMP TABLE spine (rid BIGINT");
            for (int k = 0; k < keyColumns.size(); k++) {
                boolean integer = spine.isEmpty() || spine.get(0).key().parts().get(k) instanceof Long;
                ddl.append(", ")
                        .append(SqlQuoting.identifier(keyColumns.get(k)))
                        .append(integer ? " BIGINT" : " VARCHAR");
            }
            EmbeddedDuckDb.execute(c, ddl.append(", input_time TIMESTAMPTZ)").toString());
            try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spine")) {
                long rid = 0;
                for (SpineRow row : spine) {
                    a.beginRow().append(rid++);
                    for (Object part : row.key().parts()) {
                        if (part instanceof Long l) {
                            a.append((long) l);
                        } else {
                            a.append((String) part);
                        }
                    }
                    a.appendEpochMicros(ValueCodec.toEpochMicros(row.inputTime()))
                            .endRow();
                }
            }
            StringBuilder columns = new StringBuilder();
            for (String k : keyColumns) {
                columns.append(SqlQuoting.identifier(k)).append(", ");
            }
            EmbeddedDuckDb.execute(
                    c,
                    "COPY (SELECT " + columns + "input_time FROM spine ORDER BY rid) TO " + SqlQuoting.literal(file)
                            + " (FORMAT PARQUET)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write spine file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a spine file in file order. Integer key columns give {@link Long} parts, string columns
     * {@link String} parts; a missing or mistyped column or a null is an {@link IllegalArgumentException}.
     */
    public static List<SpineRow> read(Path file, List<String> keyColumns) {
        try (EmbeddedDuckDb db = EmbeddedDuckDb.open();
                DuckDBConnection c = db.connect()) {
            StringBuilder select = new StringBuilder("SELECT ");
            for (String k : keyColumns) {
                select.append(SqlQuoting.identifier(k)).append(", ");
            }
            select.append("epoch_us(CAST(")
                    .append(SqlQuoting.identifier(PointInTimeExport.INPUT_TIME))
                    .append(" AS TIMESTAMPTZ)) FROM read_parquet(")
                    .append(SqlQuoting.literal(file))
                    .append(", file_row_number = true) ORDER BY file_row_number");
            List<SpineRow> rows = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(select.toString())) {
                ResultSetMetaData meta = rs.getMetaData();
                boolean[] integer = new boolean[keyColumns.size()];
                for (int k = 0; k < integer.length; k++) {
                    int type = meta.getColumnType(k + 1);
                    integer[k] = type == Types.BIGINT
                            || type == Types.INTEGER
                            || type == Types.SMALLINT
                            || type == Types.TINYINT;
                    if (!integer[k] && type != Types.VARCHAR) {
                        throw new IllegalArgumentException("spine key column '" + keyColumns.get(k)
                                + "' must be an integer or a string column, is " + meta.getColumnTypeName(k + 1));
                    }
                }
                while (rs.next()) {
                    Object[] parts = new Object[integer.length];
                    for (int k = 0; k < parts.length; k++) {
                        parts[k] = integer[k] ? (Object) rs.getLong(k + 1) : rs.getString(k + 1);
                        if (rs.wasNull()) {
                            throw new IllegalArgumentException("spine row " + rows.size()
                                    + " has a null in key column '" + keyColumns.get(k) + "'");
                        }
                    }
                    long t = rs.getLong(parts.length + 1);
                    if (rs.wasNull()) {
                        throw new IllegalArgumentException("spine row " + rows.size() + " has a null input_time");
                    }
                    rows.add(new SpineRow(EntityKey.of(parts), ValueCodec.fromEpochMicros(t)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot read spine file " + file + ": " + e.getMessage(), e);
        }
    }

    /** One row of an output file: its key parts, input time and one value per feature column (nulls included). */
    public record OutputRow(List<Object> key, Instant inputTime, List<Object> values) {}

    /**
     * Reads an output file: the key columns, {@code input_time} and the feature columns of the given types,
     * in file order, checking that the columns have the types {@link ExportColumnTypes} gives.
     */
    public static List<OutputRow> readOutput(
            Path file, List<String> keyColumns, List<String> featureColumns, List<FeatureType> types) {
        try (EmbeddedDuckDb db = EmbeddedDuckDb.open();
                DuckDBConnection c = db.connect()) {
            try (Statement st = c.createStatement();
                    ResultSet rs =
                            st.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + SqlQuoting.literal(file) + ")")) {
                List<String> names = new ArrayList<>();
                List<String> columnTypes = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString("column_name"));
                    columnTypes.add(rs.getString("column_type"));
                }
                List<String> expectedNames = new ArrayList<>(keyColumns);
                expectedNames.add(PointInTimeExport.INPUT_TIME);
                expectedNames.addAll(featureColumns);
                if (!names.equals(expectedNames)) {
                    throw new AssertionError("output columns " + names + ", expected " + expectedNames);
                }
                if (!"TIMESTAMP WITH TIME ZONE".equals(columnTypes.get(keyColumns.size()))) {
                    throw new AssertionError("input_time has type " + columnTypes.get(keyColumns.size()));
                }
                for (int f = 0; f < types.size(); f++) {
                    String expected = ExportColumnTypes.duckDbType(types.get(f))
                            .replace("TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE");
                    String actual = columnTypes.get(keyColumns.size() + 1 + f);
                    if (!expected.equals(actual)) {
                        throw new AssertionError(
                                "column " + featureColumns.get(f) + " has type " + actual + ", expected " + expected);
                    }
                }
            }
            StringBuilder select = new StringBuilder("SELECT ");
            for (String k : keyColumns) {
                select.append(SqlQuoting.identifier(k)).append(", ");
            }
            select.append("epoch_us(input_time)");
            for (int f = 0; f < featureColumns.size(); f++) {
                select.append(", ").append(readable(SqlQuoting.identifier(featureColumns.get(f)), types.get(f)));
            }
            select.append(" FROM read_parquet(")
                    .append(SqlQuoting.literal(file))
                    .append(", file_row_number = true) ORDER BY file_row_number");
            List<OutputRow> rows = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(select.toString())) {
                int keys = keyColumns.size();
                while (rs.next()) {
                    List<Object> key = new ArrayList<>();
                    for (int k = 0; k < keys; k++) {
                        key.add(rs.getObject(k + 1) instanceof Number n ? (Object) n.longValue() : rs.getString(k + 1));
                    }
                    Instant t = ValueCodec.fromEpochMicros(rs.getLong(keys + 1));
                    List<Object> values = new ArrayList<>();
                    for (int f = 0; f < featureColumns.size(); f++) {
                        values.add(value(rs, keys + 2 + f, types.get(f)));
                    }
                    rows.add(new OutputRow(key, t, values));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read output file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The SQL that reads a column of {@code type} without time-zone or calendar conversions in the driver. */
    private static String readable(String column, FeatureType type) {
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case DATETIME -> "epoch_us(" + column + ")";
                    case DATE -> "(" + column + " - DATE '1970-01-01')";
                    case INT, FLOAT, STRING, BOOL -> column;
                };
            case FeatureType.ListOf l -> "list_transform(" + column + ", x -> " + readable("x", l.element()) + ")";
        };
    }

    private static Object value(ResultSet rs, int column, FeatureType type) throws SQLException {
        Object raw = rs.getObject(column);
        if (raw == null) {
            return null;
        }
        return convert(raw instanceof Array a ? a.getArray() : raw, type);
    }

    private static Object convert(Object raw, FeatureType type) throws SQLException {
        if (raw == null) {
            return null;
        }
        return switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT -> ((Number) raw).longValue();
                    case FLOAT -> ((Number) raw).doubleValue();
                    case STRING -> raw.toString();
                    case BOOL -> (Boolean) raw;
                    case DATETIME -> ValueCodec.fromEpochMicros(((Number) raw).longValue());
                    case DATE -> LocalDate.ofEpochDay(((Number) raw).longValue());
                };
            case FeatureType.ListOf l -> {
                Object[] elements = raw instanceof Array a ? (Object[]) a.getArray() : (Object[]) raw;
                List<Object> out = new ArrayList<>(elements.length);
                for (Object e : elements) {
                    out.add(convert(e instanceof Array a ? a.getArray() : e, l.element()));
                }
                yield Collections.unmodifiableList(out);
            }
        };
    }

    /** The observation values of a lookup result's column, as an output file holds them (nulls for no match). */
    public static List<Object> valuesOf(List<StoredValue> column) {
        return Arrays.asList(
                column.stream().map(v -> v == null ? null : v.value()).toArray());
    }

    static void execute(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.execute();
        }
    }
}
