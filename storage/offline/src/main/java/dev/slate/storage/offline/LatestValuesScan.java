package dev.slate.storage.offline;

import static dev.slate.storage.offline.FeatureLogLayout.ENTITY_KEY;
import static dev.slate.storage.offline.FeatureLogLayout.FEATURE_VERSION;
import static dev.slate.storage.offline.FeatureLogLayout.OBSERVED_AT;
import static dev.slate.storage.offline.FeatureLogLayout.VALUE_TYPE;
import static dev.slate.storage.offline.FeatureLogLayout.WRITE_SEQ;

import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.LatestValue;
import dev.slate.storage.spi.offline.LatestValuesQuery;
import dev.slate.storage.spi.offline.LatestValuesResult;
import dev.slate.storage.spi.offline.OfflineTimes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.io.CloseableIterable;
import org.duckdb.DuckDBConnection;

/**
 * Reverse ETL reads of the feature log ({@code docs/specs/offline-store-iceberg.md} §5a): the latest observation
 * per entity key and feature slot at a time, among the data files added after a marker.
 *
 * <p>The marker is {@code iceberg-seq:<table uuid>:<sequence number>}: the data sequence number of the snapshot
 * the call read. Iceberg gives every commit a greater sequence number than the commits before it, and every data
 * file the sequence number of the commit that added it, so the files of a later call are exactly the live files
 * whose sequence number exceeds the marker, whatever order concurrent writers reserved their write sequence in.
 * The table uuid keeps a marker of a dropped and re-created table from being applied to the new one.
 */
final class LatestValuesScan {

    static final String MARKER_PREFIX = "iceberg-seq:";

    /** The files of each requested feature, the time window worth reading, and the marker of the snapshot read. */
    record Plan(List<List<String>> paths, long[] lowMicros, long asOfMicros, Optional<String> marker) {}

    private LatestValuesScan() {}

    /** Plans the scan; the caller holds the table lock and has refreshed the table. */
    static Plan plan(Table table, LatestValuesQuery query) {
        int count = query.features().size();
        List<List<String>> paths = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
            paths.add(new ArrayList<>());
        }
        long asOf = ValueCodec.toEpochMicros(query.asOf());
        long earliest = ValueCodec.toEpochMicros(OfflineTimes.MIN);
        long[] low = new long[count];
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return new Plan(paths, low, asOf, Optional.empty());
        }
        String uuid = table.uuid().toString();
        long since = since(query.since(), uuid);
        List<InclusiveMetricsEvaluator> evaluators = new ArrayList<>(count);
        Expression any = Expressions.alwaysFalse();
        for (int f = 0; f < count; f++) {
            FeatureLookup lookup = query.features().get(f);
            low[f] = lookup.maxStaleness()
                    .map(d -> Math.max(earliest, asOf - PointInTimeJoin.micros(d)))
                    .orElse(earliest);
            Expression filter = Expressions.and(
                    Expressions.equal(FeatureLogLayout.NAMESPACE, query.namespace()),
                    Expressions.equal(FeatureLogLayout.ENTITY, query.entity()),
                    Expressions.equal(FeatureLogLayout.FEATURE, lookup.slot().feature()),
                    Expressions.equal(
                            FeatureLogLayout.FEATURE_VERSION, lookup.slot().version()),
                    Expressions.equal(
                            FeatureLogLayout.VALUE_TYPE, lookup.slot().type().spelling()),
                    Expressions.greaterThanOrEqual(FeatureLogLayout.OBSERVED_AT, low[f]),
                    Expressions.lessThanOrEqual(FeatureLogLayout.OBSERVED_AT, asOf));
            evaluators.add(new InclusiveMetricsEvaluator(FeatureLogLayout.SCHEMA, filter));
            any = Expressions.or(any, filter);
        }
        if (count > 0) {
            int specId = table.spec().specId();
            try (CloseableIterable<FileScanTask> tasks = table.newScan()
                    .useSnapshot(snapshot.snapshotId())
                    .filter(any)
                    .includeColumnStats()
                    .planFiles()) {
                for (FileScanTask task : tasks) {
                    DataFile file = task.file();
                    if (!task.deletes().isEmpty() || file.specId() != specId) {
                        throw new OfflineStoreException(
                                "table " + table.name() + " holds files this store cannot read (row-level deletes or"
                                        + " another partitioning)",
                                null);
                    }
                    Long added = file.dataSequenceNumber();
                    if (added != null && added <= since) {
                        continue; // read by an earlier call
                    }
                    String path = LocalFileIO.toPath(file.location()).toString();
                    for (int f = 0; f < count; f++) {
                        if (inPartition(file, query, query.features().get(f))
                                && evaluators.get(f).eval(file)) {
                            paths.get(f).add(path);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Plan(paths, low, asOf, Optional.of(MARKER_PREFIX + uuid + ":" + snapshot.sequenceNumber()));
    }

    /** The sequence number a marker stands for; -1 (read everything) for no marker or one of another table. */
    static long since(Optional<String> marker, String tableUuid) {
        if (marker.isEmpty() || !marker.get().startsWith(MARKER_PREFIX + tableUuid + ":")) {
            return -1;
        }
        try {
            return Long.parseLong(marker.get().substring(MARKER_PREFIX.length() + tableUuid.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean inPartition(DataFile file, LatestValuesQuery query, FeatureLookup lookup) {
        return query.namespace().equals(file.partition().get(0, String.class))
                && query.entity().equals(file.partition().get(1, String.class))
                && lookup.slot().feature().equals(file.partition().get(2, String.class));
    }

    /**
     * Runs the plan: per feature, one DuckDB query over its files that keeps, per entity key, the row with the
     * greatest ({@code observed_at}, {@code write_seq}) in the window; the rows stream to {@code sink}.
     */
    static LatestValuesResult run(DuckDBConnection c, LatestValuesQuery query, Plan plan, Consumer<LatestValue> sink)
            throws SQLException {
        long delivered = 0;
        for (int f = 0; f < query.features().size(); f++) {
            List<String> files = plan.paths().get(f);
            if (files.isEmpty()) {
                continue;
            }
            FeatureLookup lookup = query.features().get(f);
            String sql = "SELECT " + ENTITY_KEY + ", epoch_us(" + OBSERVED_AT + ") AS obs_us, "
                    + PointInTimeJoin.valueExpression(lookup.slot().type())
                    + " AS v FROM read_parquet(?) WHERE " + FEATURE_VERSION + " = ? AND " + VALUE_TYPE + " = ? AND "
                    + OBSERVED_AT + " >= make_timestamptz(?::BIGINT) AND " + OBSERVED_AT
                    + " <= make_timestamptz(?::BIGINT)"
                    + " QUALIFY row_number() OVER (PARTITION BY " + ENTITY_KEY + " ORDER BY " + OBSERVED_AT + " DESC, "
                    + WRITE_SEQ + " DESC) = 1";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, c.createArrayOf("VARCHAR", files.toArray()));
                ps.setObject(2, lookup.slot().version());
                ps.setObject(3, lookup.slot().type().spelling());
                ps.setObject(4, plan.lowMicros()[f]);
                ps.setObject(5, plan.asOfMicros());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Object value =
                                PointInTimeJoin.value(rs, 3, lookup.slot().type());
                        sink.accept(new LatestValue(
                                FeatureLogLayout.decodeKey(rs.getString(1)),
                                f,
                                value,
                                ValueCodec.fromEpochMicros(rs.getLong(2))));
                        delivered++;
                    }
                }
            }
        }
        return new LatestValuesResult(delivered, plan.marker());
    }
}
