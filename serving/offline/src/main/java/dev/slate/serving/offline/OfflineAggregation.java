package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.aggregate.PointInTimeAggregator;
import dev.slate.serving.engine.aggregate.RelatedHistory;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.FeatureValueAppender;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.offline.ExportCancelledException;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import dev.slate.storage.spi.offline.HistoryQuery;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.PointInTimeExport;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Computes a job's windowed aggregations (docs/specs/aggregations.md, "Offline"): per relation and event time, one
 * {@link OfflineStore#history} read of the related entity's features the aggregations need, up to the spine's
 * latest time; the related rows' versions are rebuilt ({@link RelatedHistory}) and folded for every spine row by
 * {@link PointInTimeAggregator} with the online aggregation code. The output file holds one row per spine row, in
 * spine order, one column per aggregation output.
 */
final class OfflineAggregation {

    private final String namespace;
    private final OfflineQueryPlan plan;
    private final FeatureGraph graph;
    private final OfflineStore store;
    private final OfflineDuckDb parquet;
    private final BooleanSupplier cancelled;
    private final DoubleConsumer progress;

    OfflineAggregation(
            String namespace,
            OfflineQueryPlan plan,
            ServingSnapshot snapshot,
            OfflineStore store,
            OfflineDuckDb parquet,
            BooleanSupplier cancelled,
            DoubleConsumer progress) {
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.graph = snapshot.deployment().graph();
        this.store = requireNonNull(store, "store is null");
        this.parquet = requireNonNull(parquet, "parquet is null");
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
        this.progress = requireNonNull(progress, "progress is null");
    }

    /** Outputs that share one relation and event time: one history read. */
    private record Group(AggregationNode first, List<Integer> outputs) {}

    /** Computes every aggregation output into {@code output}; per-row failures go to {@code errors}. */
    void run(Path spine, Path output, FeatureErrors.Collector errors) {
        List<OfflineQueryPlan.Output> outputs = plan.aggregateOutputs();
        List<Producer.Aggregated> producers = new ArrayList<>();
        Map<String, Group> groups = new LinkedHashMap<>();
        for (int o = 0; o < outputs.size(); o++) {
            OfflineQueryPlan.Output out = outputs.get(o);
            FeatureNode node = graph.feature(new FeatureId(out.entity(), out.feature()))
                    .orElseThrow(() -> new IllegalStateException("the deployment has no feature " + out.name()));
            if (!(node.producer() instanceof Producer.Aggregated a)) {
                throw new IllegalStateException(node.id() + " is not a windowed aggregation in the deployment");
            }
            producers.add(a);
            String group = a.aggregation().relation().id().qualified() + " "
                    + a.aggregation().time().qualified();
            groups.computeIfAbsent(group, g -> new Group(a.aggregation(), new ArrayList<>()))
                    .outputs()
                    .add(o);
        }
        Spine rows = readSpine(spine);
        Object[][] values = new Object[outputs.size()][];
        int done = 0;
        for (Group group : groups.values()) {
            throwIfCancelled();
            AggregationNode first = group.first();
            List<FeatureId> features = new ArrayList<>();
            features.add(first.relation().holders().getFirst());
            features.add(first.time());
            List<Producer.Aggregated> members = new ArrayList<>();
            for (int o : group.outputs()) {
                AggregationNode a = producers.get(o).aggregation();
                a.of().ifPresent(features::add);
                a.where().ifPresent(w -> features.addAll(w.dependencies()));
                members.add(producers.get(o));
            }
            List<FeatureId> distinct = features.stream().distinct().toList();
            List<FeatureSlot> slots = distinct.stream()
                    .map(id -> {
                        FeatureNode n = graph.feature(id)
                                .orElseThrow(() -> new IllegalStateException("the deployment has no feature " + id));
                        return new FeatureSlot(id.name(), n.version(), n.type());
                    })
                    .toList();
            RelatedHistory history =
                    new RelatedHistory(distinct, first.relation().holders().getFirst(), first.time());
            long[] seen = {0};
            store.history(new HistoryQuery(namespace, first.relation().target(), slots, rows.latest()), observation -> {
                if ((++seen[0] & 0xFFFF) == 0) {
                    throwIfCancelled();
                }
                history.accept(observation);
            });
            throwIfCancelled();
            Object[] parents = rows.keys().get(plan.keyOf(first.id().entity()).name());
            Object[][] computed = PointInTimeAggregator.compute(
                    members, parents, rows.times(), history.versions(), (row, m, message) -> {
                        int o = group.outputs().get(m);
                        errors.add(
                                row,
                                outputs.get(o).name(),
                                ErrorCode.RESOLVER_FAILED.name(),
                                producers.get(o).aggregation().id().toString(),
                                message);
                    });
            for (int m = 0; m < members.size(); m++) {
                values[group.outputs().get(m)] = computed[m];
            }
            progress.accept((double) ++done / groups.size());
        }
        write(outputs, values, rows.times().length, output);
    }

    /** The spine's key columns and input times, in spine order. */
    private record Spine(Map<String, Object[]> keys, Instant[] times, Instant latest) {}

    private Spine readSpine(Path spine) {
        StringBuilder sql = new StringBuilder("SELECT epoch_us(")
                .append(PointInTimeExport.INPUT_TIME)
                .append(')');
        for (OfflineQueryPlan.KeyColumn key : plan.keys()) {
            sql.append(", ").append(SqlQuoting.identifier(key.name()));
        }
        sql.append(" FROM read_parquet(")
                .append(SqlQuoting.literal(spine))
                .append(", file_row_number = true) ORDER BY file_row_number");
        List<Instant> times = new ArrayList<>();
        List<List<Object>> keys = new ArrayList<>();
        plan.keys().forEach(k -> keys.add(new ArrayList<>()));
        Instant latest = null;
        try (DuckDBConnection c = parquet.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql.toString())) {
            while (rs.next()) {
                Instant t = ValueCodec.fromEpochMicros(rs.getLong(1));
                times.add(t);
                latest = latest == null || t.isAfter(latest) ? t : latest;
                for (int k = 0; k < keys.size(); k++) {
                    keys.get(k)
                            .add(
                                    "int".equals(plan.keys().get(k).type())
                                            ? (Object) rs.getLong(k + 2)
                                            : rs.getString(k + 2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the spine: " + OfflineDuckDb.firstLine(e.getMessage()), e);
        }
        Map<String, Object[]> byName = new LinkedHashMap<>();
        for (int k = 0; k < keys.size(); k++) {
            byName.put(plan.keys().get(k).name(), keys.get(k).toArray());
        }
        return new Spine(byName, times.toArray(Instant[]::new), latest == null ? Instant.EPOCH : latest);
    }

    private void write(List<OfflineQueryPlan.Output> outputs, Object[][] values, int rows, Path output) {
        String table = "aggregate_" + UUID.randomUUID().toString().replace("-", "");
        try (DuckDBConnection c = parquet.connect()) {
            StringBuilder ddl =
                    new StringBuilder("CREATE TEMP TABLE ").append(table).append(" (rid BIGINT");
            for (int o = 0; o < outputs.size(); o++) {
                ddl.append(", c")
                        .append(o)
                        .append(' ')
                        .append(ExportColumnTypes.duckDbType(outputs.get(o).featureType()));
            }
            EmbeddedDuckDb.execute(c, ddl.append(')').toString());
            try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
                for (int r = 0; r < rows; r++) {
                    appender.beginRow().append((long) r);
                    for (int o = 0; o < outputs.size(); o++) {
                        FeatureType type = outputs.get(o).featureType();
                        FeatureValueAppender.append(appender, type, values[o][r]);
                    }
                    appender.endRow();
                }
            }
            throwIfCancelled();
            StringBuilder select = new StringBuilder("SELECT ");
            for (int o = 0; o < outputs.size(); o++) {
                select.append(o > 0 ? ", " : "")
                        .append('c')
                        .append(o)
                        .append(" AS ")
                        .append(SqlQuoting.identifier(outputs.get(o).name()));
            }
            EmbeddedDuckDb.execute(
                    c,
                    "COPY (" + select + " FROM " + table + " ORDER BY rid) TO " + SqlQuoting.literal(output)
                            + " (FORMAT PARQUET)");
            EmbeddedDuckDb.execute(c, "DROP TABLE " + table);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot write the aggregations: " + OfflineDuckDb.firstLine(e.getMessage()), e);
        }
    }

    private void throwIfCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new ExportCancelledException("the job was cancelled");
        }
    }
}
