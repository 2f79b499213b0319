package dev.slate.serving.offline;

import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.ValueConversionException;
import dev.slate.storage.spi.Values;
import dev.slate.storage.spi.offline.OfflineTimes;
import dev.slate.storage.spi.offline.PointInTimeExport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The one place that knows what a valid spine is and writes it as the job's spine file (Parquet: the key
 * columns named by their qualified key feature, BIGINT or VARCHAR, then {@code input_time} TIMESTAMPTZ; rows
 * in spine order), from a JSON request or from an uploaded Parquet file. Every problem is a 400 with the
 * offending field, never a failed job.
 */
final class Spines {

    /** Most cell problems listed in one answer. */
    private static final int MAX_PROBLEMS = 20;

    private static final Set<String> INTEGER_TYPES =
            Set.of("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT");
    private static final Set<String> TIMESTAMP_TYPES =
            Set.of("TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S");

    private Spines() {}

    /** The key column names of a JSON request, in request order; a 400 when there are none. */
    static List<String> keyColumns(OfflineQueryRequest request) {
        if (request.inputs() == null || request.inputs().isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "'inputs' must give the spine's entity keys, one list per key, e.g. {\"user.id\": [1, 2]}");
        }
        return List.copyOf(request.inputs().keySet());
    }

    /**
     * Checks a JSON spine against the bound plan (equal lengths, keys of the key type, parseable times) and
     * writes it to {@code file}; returns the number of rows.
     */
    static long writeJson(
            OfflineDuckDb duck, Path file, OfflineQueryPlan plan, OfflineQueryRequest request, long maxRows) {
        List<ErrorDetail.Field> problems = new ArrayList<>();
        if (request.inputTimes() == null) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "'input_times' is required: one time per spine row, e.g. [\"2026-01-01T00:00:00Z\"]");
        }
        int rows = request.inputTimes().size();
        List<List<?>> columns = new ArrayList<>();
        for (OfflineQueryPlan.KeyColumn key : plan.keys()) {
            Object raw = request.inputs().get(key.name());
            if (!(raw instanceof List<?> list)) {
                problems.add(OfflineQueryBinder.problem(
                        "inputs",
                        key.name(),
                        "must be a list of keys, one per spine row; got " + Values.describe(raw)));
                continue;
            }
            if (list.size() != rows) {
                problems.add(OfflineQueryBinder.problem(
                        "inputs",
                        key.name(),
                        "has " + list.size() + " values but input_times has " + rows
                                + "; every spine column needs one value per row"));
                continue;
            }
            columns.add(list);
        }
        if (!problems.isEmpty()) {
            throw new SlateException(ErrorCode.INVALID_QUERY, OfflineQueryBinder.summary(problems), problems);
        }
        if (rows == 0) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY, "the spine is empty: give at least one row (keys and input_times)");
        }
        if (rows > maxRows) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "the spine has " + rows + " rows; at most " + maxRows
                            + " are allowed (slate.offline.max-spine-rows)");
        }
        int problemCount = 0;
        long[][] intKeys = new long[plan.keys().size()][];
        String[][] stringKeys = new String[plan.keys().size()][];
        for (int k = 0; k < plan.keys().size(); k++) {
            OfflineQueryPlan.KeyColumn key = plan.keys().get(k);
            FeatureType type = FeatureType.parse(key.type()).orElseThrow();
            boolean integer = type == FeatureType.Scalar.INT;
            if (integer) {
                intKeys[k] = new long[rows];
            } else {
                stringKeys[k] = new String[rows];
            }
            List<?> values = columns.get(k);
            for (int r = 0; r < rows; r++) {
                Object raw = values.get(r);
                String where = key.name() + "[" + r + "]";
                try {
                    if (raw == null) {
                        throw new ValueConversionException("a key must not be null");
                    }
                    Object value = Values.coerce(type, raw);
                    if (integer) {
                        intKeys[k][r] = (Long) value;
                    } else {
                        stringKeys[k][r] = (String) value;
                    }
                } catch (ValueConversionException e) {
                    if (problemCount++ < MAX_PROBLEMS) {
                        problems.add(OfflineQueryBinder.problem("inputs", where, key.name() + ": " + e.getMessage()));
                    }
                }
            }
        }
        long[] times = new long[rows];
        for (int r = 0; r < rows; r++) {
            Object raw = request.inputTimes().get(r);
            try {
                if (raw == null) {
                    throw new ValueConversionException("an input time must not be null");
                }
                times[r] = ValueCodec.toEpochMicros(OfflineTimes.requireInRange(Values.toInstant(raw), "input time"));
            } catch (IllegalArgumentException e) {
                if (problemCount++ < MAX_PROBLEMS) {
                    problems.add(OfflineQueryBinder.problem("input_times", "input_times[" + r + "]", e.getMessage()));
                }
            }
        }
        if (!problems.isEmpty()) {
            String summary = problemCount == 1
                    ? problems.get(0).message()
                    : problemCount + " problems in the spine"
                            + (problemCount > MAX_PROBLEMS ? " (the first " + MAX_PROBLEMS + " are listed)" : "")
                            + "; see errors";
            throw new SlateException(ErrorCode.INVALID_QUERY, summary, problems);
        }
        try (DuckDBConnection c = duck.connect()) {
            StringBuilder ddl = new StringBuilder("CREATE TEMP TABLE spine (rid BIGINT");
            StringBuilder select = new StringBuilder("SELECT ");
            for (int k = 0; k < plan.keys().size(); k++) {
                ddl.append(", k").append(k).append(intKeys[k] != null ? " BIGINT" : " VARCHAR");
                select.append('k')
                        .append(k)
                        .append(" AS ")
                        .append(SqlQuoting.identifier(plan.keys().get(k).name()))
                        .append(", ");
            }
            EmbeddedDuckDb.execute(c, ddl.append(", t TIMESTAMPTZ)").toString());
            try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spine")) {
                for (int r = 0; r < rows; r++) {
                    a.beginRow().append((long) r);
                    for (int k = 0; k < plan.keys().size(); k++) {
                        if (intKeys[k] != null) {
                            a.append(intKeys[k][r]);
                        } else {
                            a.append(stringKeys[k][r]);
                        }
                    }
                    a.appendEpochMicros(times[r]).endRow();
                }
            }
            select.append("t AS ").append(PointInTimeExport.INPUT_TIME).append(" FROM spine ORDER BY rid");
            EmbeddedDuckDb.execute(c, "COPY (" + select + ") TO " + SqlQuoting.literal(file) + " (FORMAT PARQUET)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the spine file: " + e.getMessage(), e);
        }
        return rows;
    }

    /**
     * Reads an uploaded Parquet spine's columns: {@code input_time} (a timestamp) and the key columns (every
     * other column). A file DuckDB cannot read is a 400 PARSE_FAILED with the reason.
     */
    static Map<String, String> uploadColumns(OfflineDuckDb duck, Path upload) {
        Map<String, String> columns = new LinkedHashMap<>();
        try (DuckDBConnection c = duck.connect();
                PreparedStatement ps = c.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
            ps.setString(1, upload.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(
                            rs.getString("column_name"),
                            rs.getString("column_type").toUpperCase(Locale.ROOT));
                }
            }
        } catch (SQLException e) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "the upload is not a readable Parquet file: " + OfflineDuckDb.firstLine(e.getMessage()),
                    e);
        }
        if (!columns.containsKey(PointInTimeExport.INPUT_TIME)) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "the spine file has no column '" + PointInTimeExport.INPUT_TIME
                            + "' (a timestamp); its columns are " + columns.keySet());
        }
        return columns;
    }

    /** The key column names of an upload (every column but input_time), in file order. */
    static List<String> uploadKeyColumns(Map<String, String> columns) {
        List<String> keys = new ArrayList<>();
        for (String name : columns.keySet()) {
            if (!name.equals(PointInTimeExport.INPUT_TIME)) {
                keys.add(name);
            }
        }
        if (keys.isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "the spine file has no key column: add a column named by an entity key, e.g. user.id");
        }
        return keys;
    }

    /**
     * Checks an upload against the bound plan (column types, no nulls, size) by reading every row, and
     * writes it as the job's spine file: moved as is when its types are already the spine's, else
     * converted (in file order).
     */
    static long acceptUpload(
            OfflineDuckDb duck,
            Path upload,
            Map<String, String> columns,
            OfflineQueryPlan plan,
            long maxRows,
            Path spine) {
        List<ErrorDetail.Field> problems = new ArrayList<>();
        boolean canonical = true;
        for (OfflineQueryPlan.KeyColumn key : plan.keys()) {
            String type = columns.get(key.name());
            boolean integerKey = "int".equals(key.type());
            if (integerKey ? !INTEGER_TYPES.contains(type) : !"VARCHAR".equals(type)) {
                problems.add(OfflineQueryBinder.problem(
                        "spine",
                        key.name(),
                        "column '" + key.name() + "' holds " + type + " but the key of entity " + key.entity() + " is "
                                + (integerKey ? "an int (use an integer column)" : "a string (use a string column)")));
            }
            canonical &= integerKey ? "BIGINT".equals(type) : true;
        }
        String time = columns.get(PointInTimeExport.INPUT_TIME);
        if (!TIMESTAMP_TYPES.contains(time)) {
            problems.add(OfflineQueryBinder.problem(
                    "spine",
                    PointInTimeExport.INPUT_TIME,
                    "column 'input_time' holds " + time
                            + "; it must be a timestamp (with time zone, or without: read as UTC)"));
        }
        canonical &= "TIMESTAMP WITH TIME ZONE".equals(time);
        if (!problems.isEmpty()) {
            throw new SlateException(ErrorCode.INVALID_QUERY, OfflineQueryBinder.summary(problems), problems);
        }
        StringBuilder sql = new StringBuilder("SELECT count(*), count(*) FILTER (WHERE input_time IS NULL)");
        for (OfflineQueryPlan.KeyColumn key : plan.keys()) {
            sql.append(", count(*) FILTER (WHERE ")
                    .append(SqlQuoting.identifier(key.name()))
                    .append(" IS NULL)");
        }
        sql.append(
                ", min(epoch_us(CAST(input_time AS TIMESTAMPTZ))), max(epoch_us(CAST(input_time AS TIMESTAMPTZ))) FROM read_parquet(?)");
        long rows;
        try (DuckDBConnection c = duck.connect();
                PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setString(1, upload.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
                if (rs.getLong(2) > 0) {
                    problems.add(OfflineQueryBinder.problem(
                            "spine", PointInTimeExport.INPUT_TIME, rs.getLong(2) + " rows have no input_time"));
                }
                int k = 0;
                for (; k < plan.keys().size(); k++) {
                    long nulls = rs.getLong(3 + k);
                    if (nulls > 0) {
                        problems.add(OfflineQueryBinder.problem(
                                "spine", plan.keys().get(k).name(), nulls + " rows have a null key"));
                    }
                }
                long min = rs.getLong(3 + k);
                boolean any = !rs.wasNull();
                long max = rs.getLong(4 + k);
                if (any
                        && (min < ValueCodec.toEpochMicros(OfflineTimes.MIN)
                                || max > ValueCodec.toEpochMicros(OfflineTimes.MAX))) {
                    problems.add(OfflineQueryBinder.problem(
                            "spine",
                            PointInTimeExport.INPUT_TIME,
                            "input times must lie within " + OfflineTimes.MIN + " .. " + OfflineTimes.MAX));
                }
            }
        } catch (SQLException e) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED,
                    "the upload is not a readable Parquet file: " + OfflineDuckDb.firstLine(e.getMessage()),
                    e);
        }
        if (!problems.isEmpty()) {
            throw new SlateException(ErrorCode.INVALID_QUERY, OfflineQueryBinder.summary(problems), problems);
        }
        if (rows == 0) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "the spine is empty: the file has no rows");
        }
        if (rows > maxRows) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    "the spine has " + rows + " rows; at most " + maxRows
                            + " are allowed (slate.offline.max-spine-rows)");
        }
        try {
            if (canonical && columns.size() == plan.keys().size() + 1) {
                Files.move(upload, spine, StandardCopyOption.ATOMIC_MOVE);
                return rows;
            }
            try (DuckDBConnection c = duck.connect()) {
                StringBuilder select = new StringBuilder("SELECT ");
                for (OfflineQueryPlan.KeyColumn key : plan.keys()) {
                    String column = SqlQuoting.identifier(key.name());
                    select.append("int".equals(key.type()) ? "CAST(" + column + " AS BIGINT)" : column)
                            .append(" AS ")
                            .append(column)
                            .append(", ");
                }
                select.append("CAST(input_time AS TIMESTAMPTZ) AS input_time FROM read_parquet(")
                        .append(SqlQuoting.literal(upload))
                        .append(", file_row_number = true) ORDER BY file_row_number");
                EmbeddedDuckDb.execute(
                        c, "COPY (" + select + ") TO " + SqlQuoting.literal(spine) + " (FORMAT PARQUET)");
            }
            Files.deleteIfExists(upload);
            return rows;
        } catch (SQLException e) {
            throw new SlateException(
                    ErrorCode.PARSE_FAILED, "the upload cannot be read: " + OfflineDuckDb.firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
