package dev.slate.storage.offline;

import static dev.slate.storage.offline.FeatureLogLayout.ENTITY_KEY;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE_VERSION;
import static dev.slate.storage.offline.FeatureLogLayout.OBSERVED_AT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_LIST;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_TYPE;
import static dev.slate.storage.offline.FeatureLogLayout.WRITE_SEQ;

import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.offline.ExportCancelledException;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import dev.slate.storage.spi.offline.ExportControl;
import dev.slate.storage.spi.offline.ExportProgress.Stage;
import dev.slate.storage.spi.offline.ExportResult;
import dev.slate.storage.spi.offline.ExportedFeature;
import dev.slate.storage.spi.offline.FeatureLookup;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.QueryProgress;

/**
 * One {@link PointInTimeExport}: the same join as {@link PointInTimeJoin} (ASOF on observation time and
 * write sequence, staleness applied to the match), but the spine is read from its Parquet file by DuckDB
 * and the answer is written by DuckDB's {@code COPY … TO} into a partial file that is moved into place
 * when complete; no row passes through Java. List values, which the feature log keeps in the
 * {@code ValueCodec} text encoding, are converted to typed lists through a dictionary of their distinct
 * encodings.
 */
final class PointInTimeExportRun {

    /** The part of the Iceberg store that lists the data files of each requested feature. */
    interface FilePlanner {
        List<PointInTimeJoin.FeatureFiles> plan(
                String namespace, String entity, List<FeatureLookup> lookups, long minInput, long maxInput);
    }

    private static final Set<String> INTEGER_TYPES =
            Set.of("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT");
    private static final Set<String> TIME_TYPES = Set.of("TIMESTAMP WITH TIME ZONE", "TIMESTAMP");
    private static final long PROGRESS_INTERVAL_MS = 200;
    /** The part of the progress bar given to the merge (when it runs) before the final COPY. */
    private static final double MERGE_SHARE = 0.55;

    private final FilePlanner planner;
    private final EmbeddedDuckDb duckDb;
    private final PointInTimeExport request;
    private final ExportControl control;
    private final long mergeRowLimit;

    PointInTimeExportRun(
            FilePlanner planner,
            EmbeddedDuckDb duckDb,
            PointInTimeExport request,
            ExportControl control,
            long mergeRowLimit) {
        this.planner = planner;
        this.duckDb = duckDb;
        this.request = request;
        this.control = control;
        this.mergeRowLimit = mergeRowLimit;
    }

    ExportResult run() {
        control.throwIfCancelled();
        control.report(Stage.READING_SPINE, 0, -1);
        Path output = request.output();
        Path partial = output.resolveSibling(output.getFileName() + ".partial-" + UUID.randomUUID());
        try (DuckDBConnection c = duckDb.connect()) {
            boolean[] integerKeys = checkSpineColumns(c);
            long[] stats = spineStats(c);
            long rows = stats[0];
            control.report(Stage.PLANNING, 0.02, rows);
            List<FeatureLookup> lookups =
                    request.features().stream().map(ExportedFeature::lookup).toList();
            List<PointInTimeJoin.FeatureFiles> files = rows == 0
                    ? lookups.stream()
                            .map(l -> new PointInTimeJoin.FeatureFiles(l, List.of(), 0, 0, 0))
                            .toList()
                    : planner.plan(request.namespace(), request.entity(), lookups, stats[1], stats[2]);
            control.throwIfCancelled();
            control.report(Stage.JOINING, 0.05, rows);
            // the merge needs the spine's rows and each feature's rows in Java arrays; beyond its limit, ASOF joins in
            // SQL
            boolean merge = rows > 0 && PointInTimeMerge.fits(rows, files, mergeRowLimit);
            if (merge) {
                String spineSql = "SELECT file_row_number AS row_id, " + encodedKey(integerKeys) + " AS " + ENTITY_KEY
                        + ", epoch_us(" + inputTime("") + ") AS t_us FROM read_parquet(?, file_row_number = true)";
                PointInTimeMerge.run(
                        c,
                        control,
                        Math.toIntExact(rows),
                        spineSql,
                        request.spine().toString(),
                        files,
                        done -> control.report(
                                Stage.JOINING, 0.05 + MERGE_SHARE * done / Math.max(1, files.size()), rows));
            }
            List<Object> parameters = new ArrayList<>();
            Map<Integer, String> dictionaries = listDictionaries(c, files);
            String sql = copySql(c, integerKeys, files, dictionaries, partial, parameters, merge);
            execute(c, sql, parameters, rows, merge ? 0.05 + MERGE_SHARE : 0.05);
            Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            control.report(Stage.DONE, 1, rows);
            return new ExportResult(output, rows, Files.size(output));
        } catch (SQLException e) {
            if (control.isCancelled()) {
                throw new ExportCancelledException("the export was cancelled");
            }
            throw new OfflineStoreException("point-in-time export failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the export into place at " + output, e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the partial file never has the output's name, so it is never taken for a result
            }
        }
    }

    /** The spine's key columns are integer (true) or string (false) columns, and it has a timestamp input_time. */
    private boolean[] checkSpineColumns(DuckDBConnection c) {
        Map<String, String> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("DESCRIBE SELECT * FROM read_parquet(?)")) {
            ps.setString(1, request.spine().toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(
                            rs.getString("column_name"),
                            rs.getString("column_type").toUpperCase(Locale.ROOT));
                }
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException(
                    "cannot read the spine file " + request.spine().getFileName() + " as Parquet: "
                            + firstLine(e.getMessage()),
                    e);
        }
        boolean[] integer = new boolean[request.keyColumns().size()];
        for (int k = 0; k < integer.length; k++) {
            String column = request.keyColumns().get(k);
            String type = types.get(column);
            if (type == null) {
                throw new IllegalArgumentException(
                        "the spine file has no column '" + column + "' (it has " + types.keySet() + ")");
            }
            integer[k] = INTEGER_TYPES.contains(type);
            if (!integer[k] && !"VARCHAR".equals(type)) {
                throw new IllegalArgumentException(
                        "spine column '" + column + "' must hold integers or strings, not " + type);
            }
        }
        String time = types.get(PointInTimeExport.INPUT_TIME);
        if (time == null || !TIME_TYPES.contains(time)) {
            throw new IllegalArgumentException("the spine file needs a timestamp column '"
                    + PointInTimeExport.INPUT_TIME + "'" + (time == null ? "" : ", not " + time));
        }
        return integer;
    }

    /** Row count, earliest and latest input time (µs); fails on a null key or time. */
    private long[] spineStats(DuckDBConnection c) throws SQLException {
        StringBuilder nulls = new StringBuilder(inputTime("") + " IS NULL");
        for (String k : request.keyColumns()) {
            nulls.append(" OR ").append(SqlQuoting.identifier(k)).append(" IS NULL");
        }
        String sql = "SELECT count(*), min(epoch_us(" + inputTime("") + ")), max(epoch_us(" + inputTime("")
                + ")), count(*) FILTER (WHERE " + nulls + ") FROM read_parquet(?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, request.spine().toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long nullRows = rs.getLong(4);
                if (nullRows > 0) {
                    throw new IllegalArgumentException(nullRows + " spine rows have a null key or input_time");
                }
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    /** For each list feature with data: a temporary table from each distinct encoded value to its JSON text. */
    private Map<Integer, String> listDictionaries(DuckDBConnection c, List<PointInTimeJoin.FeatureFiles> files)
            throws SQLException {
        Map<Integer, String> tables = new HashMap<>();
        for (int f = 0; f < files.size(); f++) {
            PointInTimeJoin.FeatureFiles ff = files.get(f);
            if (!(ff.lookup().slot().type() instanceof FeatureType.ListOf type)
                    || ff.paths().isEmpty()) {
                continue;
            }
            List<String> encodings = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT DISTINCT " + VALUE_LIST + " FROM read_parquet(?) WHERE "
                            + FEATURE_VERSION + " = ? AND " + VALUE_TYPE + " = ? AND " + VALUE_LIST + " IS NOT NULL")) {
                ps.setObject(1, c.createArrayOf("VARCHAR", ff.paths().toArray()));
                ps.setString(2, ff.lookup().slot().version());
                ps.setString(3, type.spelling());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        encodings.add(rs.getString(1));
                    }
                }
            }
            String table = "list_values_" + f;
            EmbeddedDuckDb.execute(c, "CREATE OR REPLACE TEMP TABLE " + table + " (codec VARCHAR, json VARCHAR)");
            try (DuckDBAppender a = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
                for (String encoded : encodings) {
                    a.beginRow()
                            .append(encoded)
                            .append(ExportColumnTypes.listJsonOfEncoded(type, encoded))
                            .endRow();
                }
            }
            tables.put(f, table);
        }
        return tables;
    }

    /** The spine's key columns encoded in SQL as FeatureLogLayout.encodeKey does (section 3 of the layout spec). */
    private String encodedKey(boolean[] integerKeys) {
        List<String> keys = request.keyColumns();
        StringBuilder encoded = new StringBuilder();
        for (int k = 0; k < keys.size(); k++) {
            String column = SqlQuoting.identifier(keys.get(k));
            if (k > 0) {
                encoded.append(" || ");
            }
            // i<decimal> for an integer part, s<code points>:<text> for a string part
            encoded.append(
                    integerKeys[k]
                            ? "'i' || CAST(" + column + " AS BIGINT)"
                            : "'s' || length(" + column + ") || ':' || " + column);
        }
        return encoded.toString();
    }

    /**
     * The COPY of the result. With {@code merge}, the matched values are in {@link PointInTimeMerge#RESULT_TABLE}
     * (staleness already applied); otherwise one ASOF LEFT JOIN per feature.
     */
    private String copySql(
            DuckDBConnection c,
            boolean[] integerKeys,
            List<PointInTimeJoin.FeatureFiles> files,
            Map<Integer, String> dictionaries,
            Path partial,
            List<Object> parameters,
            boolean merge)
            throws SQLException {
        List<String> keys = request.keyColumns();
        StringBuilder spine = new StringBuilder("SELECT file_row_number AS row_id");
        for (int k = 0; k < keys.size(); k++) {
            String column = SqlQuoting.identifier(keys.get(k));
            spine.append(", ")
                    .append(integerKeys[k] ? "CAST(" + column + " AS BIGINT)" : column)
                    .append(" AS k")
                    .append(k);
        }
        spine.append(", ").append(inputTime("")).append(" AS t");
        if (!merge) {
            spine.append(", ")
                    .append(encodedKey(integerKeys))
                    .append(" AS entity_key, (epoch_us(")
                    .append(inputTime(""))
                    .append(")::HUGEINT + 1) * ")
                    .append(PointInTimeJoin.TWO_TO_64)
                    .append(" - 1 AS ord");
        }
        spine.append(" FROM read_parquet(?, file_row_number = true)");
        parameters.add(request.spine().toString());

        StringBuilder select = new StringBuilder("SELECT ");
        for (int k = 0; k < keys.size(); k++) {
            select.append("s.k")
                    .append(k)
                    .append(" AS ")
                    .append(SqlQuoting.identifier(keys.get(k)))
                    .append(", ");
        }
        select.append("s.t AS ").append(PointInTimeExport.INPUT_TIME);
        StringBuilder from = new StringBuilder(" FROM (" + spine + ") s");
        if (merge) {
            from.append(" JOIN (").append(PointInTimeMerge.resultColumns(files)).append(") r ON r.row_id = s.row_id");
        }
        for (int f = 0; f < files.size(); f++) {
            PointInTimeJoin.FeatureFiles ff = files.get(f);
            FeatureLookup lookup = ff.lookup();
            FeatureType type = lookup.slot().type();
            String column = SqlQuoting.identifier(request.features().get(f).column());
            String duckType = ExportColumnTypes.duckDbType(type);
            if (ff.paths().isEmpty()) {
                select.append(", CAST(NULL AS ")
                        .append(duckType)
                        .append(") AS ")
                        .append(column);
                continue;
            }
            String alias = "f" + f;
            String value = merge ? "r.v" + f : alias + ".v";
            String dictionaryJoin = "";
            if (dictionaries.containsKey(f)) {
                String d = "d" + f;
                dictionaryJoin = " LEFT JOIN " + dictionaries.get(f) + " " + d + " ON " + d + ".codec = " + value;
                value = "CAST(CAST(" + d + ".json AS JSON) AS " + duckType + ")";
            }
            select.append(", ");
            if (!merge && lookup.maxStaleness().isPresent()) {
                // the latest observation at or before t is the only candidate: when it is too old, so is every other
                select.append("CASE WHEN epoch_us(s.t) - ")
                        .append(alias)
                        .append(".obs_us <= ")
                        .append(PointInTimeJoin.micros(lookup.maxStaleness().get()))
                        .append(" THEN ")
                        .append(value)
                        .append(" END");
            } else {
                select.append(value);
            }
            select.append(" AS ").append(column);
            if (merge) {
                from.append(dictionaryJoin);
                continue;
            }
            from.append(" ASOF LEFT JOIN (SELECT ")
                    .append(ENTITY_KEY)
                    .append(", epoch_us(")
                    .append(OBSERVED_AT)
                    .append(") AS obs_us, ")
                    .append(FeatureLogLayout.valueColumn(type))
                    .append(" AS v, epoch_us(")
                    .append(OBSERVED_AT)
                    .append(")::HUGEINT * ")
                    .append(PointInTimeJoin.TWO_TO_64)
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
                    .append(".ord")
                    .append(dictionaryJoin);
            parameters.add(c.createArrayOf("VARCHAR", ff.paths().toArray()));
            parameters.add(lookup.slot().version());
            parameters.add(type.spelling());
            parameters.add(ff.minObservedMicros());
            parameters.add(ff.maxObservedMicros());
        }
        // the partial path is the caller's output directory plus a UUID name; quotes are doubled
        return "COPY (" + select + from + " ORDER BY s.row_id) TO " + SqlQuoting.literal(partial) + " (FORMAT PARQUET)";
    }

    /** Runs the COPY, reporting DuckDB's progress and cancelling the statement when the control is cancelled. */
    private void execute(DuckDBConnection c, String sql, List<Object> parameters, long rows, double progressFrom)
            throws SQLException {
        try (DuckDBPreparedStatement ps = (DuckDBPreparedStatement) c.prepareStatement(sql)) {
            for (int p = 0; p < parameters.size(); p++) {
                ps.setObject(p + 1, parameters.get(p));
            }
            Thread watcher = Thread.ofPlatform()
                    .daemon()
                    .name("slate-export-progress")
                    .unstarted(() -> watchProgress(ps, rows, progressFrom));
            control.onCancel(() -> {
                try {
                    ps.cancel();
                } catch (SQLException e) {
                    // the statement finished or closed meanwhile: nothing left to stop
                }
            });
            watcher.start();
            try {
                ps.execute();
            } finally {
                control.onCancel(null);
                watcher.interrupt();
                try {
                    watcher.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            control.throwIfCancelled();
        }
    }

    private void watchProgress(DuckDBPreparedStatement ps, long rows, double from) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(PROGRESS_INTERVAL_MS);
                QueryProgress p = ps.getQueryProgress();
                if (p != null && p.getPercentage() >= 0) {
                    control.report(Stage.JOINING, from + (0.98 - from) * Math.min(100, p.getPercentage()) / 100, rows);
                }
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                // progress is best effort; the export itself reports its failure
            }
        }
    }

    private static String inputTime(String prefix) {
        return "CAST(" + prefix + SqlQuoting.identifier(PointInTimeExport.INPUT_TIME) + " AS TIMESTAMPTZ)";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
