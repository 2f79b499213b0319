package dev.slate.serving.offline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.exec.FeatureError;
import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.RowResult;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.storage.duckdb.EmbeddedDuckDb;
import dev.slate.storage.duckdb.FeatureValueAppender;
import dev.slate.storage.duckdb.SqlQuoting;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.ValueCodec;
import dev.slate.storage.spi.Values;
import dev.slate.storage.spi.offline.ExportCancelledException;
import dev.slate.storage.spi.offline.ExportColumnTypes;
import dev.slate.storage.spi.offline.PointInTimeExport;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Recomputes a job's recomputed outputs for every spine row with the serving engine: the row's keys (and
 * the log values of the ingested features the plan needs) are the inputs, the row's input time is
 * {@code now}, the online store is {@link NoOnlineStore} (nothing read, nothing written), and nothing is
 * appended to the feature log. Rows run concurrently (at most {@code concurrency} at once), in chunks
 * whose results are appended in spine order; the output file holds one row per spine row, in order.
 */
final class Recomputation {

    /** Spine rows read, run and appended at a time. */
    static final int CHUNK_ROWS = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OfflineJob job;
    private final RecomputePlan recompute;
    private final FeatureGraph graph;
    private final PlanExecutor executor;
    private final int concurrency;
    private final OfflineDuckDb parquet;
    private final BooleanSupplier cancelled;
    private final DoubleConsumer progress;

    /**
     * @param cancelled polled between rows: true stops the run with an {@link ExportCancelledException}
     * @param progress told the fraction of spine rows done, 0 to 1
     */
    Recomputation(
            OfflineJob job,
            RecomputePlan recompute,
            FeatureGraph graph,
            PlanExecutor executor,
            int concurrency,
            OfflineDuckDb parquet,
            BooleanSupplier cancelled,
            DoubleConsumer progress) {
        this.job = requireNonNull(job, "job is null");
        this.recompute = requireNonNull(recompute, "recompute is null");
        this.graph = requireNonNull(graph, "graph is null");
        this.executor = requireNonNull(executor, "executor is null");
        this.concurrency = concurrency;
        this.parquet = requireNonNull(parquet, "parquet is null");
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
        this.progress = requireNonNull(progress, "progress is null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
    }

    /**
     * Runs every spine row and writes the recomputed outputs (columns named by the outputs) to {@code output},
     * in spine order.
     *
     * @param loggedParts per entity of {@link RecomputePlan#loggedEntities()}, the export of its logged inputs
     * @return the failures, or null when none
     */
    FeatureErrors run(Path spine, Map<String, Path> loggedParts, Path output) {
        FeatureErrors.Collector errors = new FeatureErrors.Collector(
                recompute.outputs().stream().map(OfflineQueryPlan.Output::name).toList());
        run(spine, loggedParts, output, errors);
        return errors.result();
    }

    /**
     * Runs every spine row and writes the plan's outputs (columns named by the outputs) to {@code output}, in
     * spine order; failures go to {@code errors}, which must know the plan's outputs.
     */
    void run(Path spine, Map<String, Path> loggedParts, Path output, FeatureErrors.Collector errors) {
        List<OfflineQueryPlan.Output> outputs = recompute.outputs();
        long total = Math.max(1, job.progress().spineRows());
        String table = "recompute_" + UUID.randomUUID().toString().replace("-", "");
        try (DuckDBConnection writer = parquet.connect();
                DuckDBConnection reader = parquet.connect();
                Statement st = reader.createStatement();
                ResultSet rs = st.executeQuery(readSql(spine, loggedParts))) {
            StringBuilder ddl =
                    new StringBuilder("CREATE TEMP TABLE ").append(table).append(" (rid BIGINT");
            for (int i = 0; i < outputs.size(); i++) {
                FeatureType type = outputs.get(i).featureType();
                ddl.append(", c")
                        .append(i)
                        .append(' ')
                        .append(type instanceof FeatureType.ListOf ? "VARCHAR" : ExportColumnTypes.duckDbType(type));
            }
            EmbeddedDuckDb.execute(writer, ddl.append(')').toString());
            long row = 0;
            try (DuckDBAppender appender = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table)) {
                List<Object[]> inputs = new ArrayList<>(CHUNK_ROWS);
                List<Instant> times = new ArrayList<>(CHUNK_ROWS);
                boolean more = true;
                while (more) {
                    inputs.clear();
                    times.clear();
                    while (inputs.size() < CHUNK_ROWS && (more = rs.next())) {
                        readRow(rs, inputs, times);
                    }
                    if (inputs.isEmpty()) {
                        break;
                    }
                    RowOutcome[] done = runChunk(inputs, times);
                    for (RowOutcome outcome : done) {
                        append(appender, row, outcome, outputs, errors);
                        row++;
                    }
                    progress.accept(Math.min(1, (double) row / total));
                }
            }
            throwIfCancelled();
            StringBuilder select = new StringBuilder("SELECT ");
            for (int i = 0; i < outputs.size(); i++) {
                FeatureType type = outputs.get(i).featureType();
                String column = "c" + i;
                select.append(i > 0 ? ", " : "")
                        .append(
                                type instanceof FeatureType.ListOf
                                        ? "CAST(CAST(" + column + " AS JSON) AS " + ExportColumnTypes.duckDbType(type)
                                                + ")"
                                        : column)
                        .append(" AS ")
                        .append(SqlQuoting.identifier(outputs.get(i).name()));
            }
            select.append(" FROM ").append(table).append(" ORDER BY rid");
            EmbeddedDuckDb.execute(
                    writer, "COPY (" + select + ") TO " + SqlQuoting.literal(output) + " (FORMAT PARQUET)");
            EmbeddedDuckDb.execute(writer, "DROP TABLE " + table);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot recompute: " + OfflineDuckDb.firstLine(e.getMessage()), e);
        }
    }

    /** The spine's keys, its input time in microseconds and the logged inputs, row by row in spine order. */
    private String readSql(Path spine, Map<String, Path> loggedParts) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (OfflineQueryPlan.KeyColumn key : job.plan().keys()) {
            sql.append("s.").append(SqlQuoting.identifier(key.name())).append(", ");
        }
        sql.append("epoch_us(s.").append(PointInTimeExport.INPUT_TIME).append(')');
        List<String> entities = recompute.loggedEntities();
        for (RecomputePlan.LoggedInput in : recompute.logged()) {
            String column = "d" + entities.indexOf(in.entity()) + "."
                    + SqlQuoting.identifier(in.lookup().column());
            sql.append(", ").append(ResultJson.readable(column, in.type()));
        }
        sql.append(" FROM read_parquet(").append(SqlQuoting.literal(spine)).append(") s");
        for (int i = 0; i < entities.size(); i++) {
            Path part = loggedParts.get(entities.get(i));
            sql.append(" POSITIONAL JOIN read_parquet(")
                    .append(SqlQuoting.literal(part))
                    .append(") d")
                    .append(i);
        }
        return sql.toString();
    }

    private void readRow(ResultSet rs, List<Object[]> inputs, List<Instant> times) throws SQLException {
        List<OfflineQueryPlan.KeyColumn> keys = job.plan().keys();
        Object[] keyValues = new Object[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            keyValues[k] = "int".equals(keys.get(k).type()) ? (Object) rs.getLong(k + 1) : rs.getString(k + 1);
        }
        Instant now = ValueCodec.fromEpochMicros(rs.getLong(keys.size() + 1));
        Object[] logged = new Object[recompute.logged().size()];
        for (int i = 0; i < logged.length; i++) {
            logged[i] =
                    readValue(rs, keys.size() + 2 + i, recompute.logged().get(i).type());
        }
        Object[] row = new Object[recompute.inputs().size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = switch (recompute.inputs().get(i)) {
                case RecomputePlan.Input.Key key -> keyValues[key.column()];
                case RecomputePlan.Input.Logged l -> logged[l.index()];
            };
        }
        inputs.add(row);
        times.add(now);
    }

    /** A logged value as the engine holds it (canonical form), read as {@link ResultJson#readable} gives it. */
    private static Object readValue(ResultSet rs, int column, FeatureType type) throws SQLException {
        Object raw = switch (type) {
            case FeatureType.Scalar s ->
                switch (s) {
                    case INT, DATETIME -> {
                        long v = rs.getLong(column);
                        yield rs.wasNull()
                                ? null
                                : s == FeatureType.Scalar.INT ? (Object) v : ValueCodec.fromEpochMicros(v);
                    }
                    case FLOAT -> {
                        double v = rs.getDouble(column);
                        yield rs.wasNull() ? null : v;
                    }
                    case BOOL -> {
                        boolean v = rs.getBoolean(column);
                        yield rs.wasNull() ? null : v;
                    }
                    case STRING -> rs.getString(column);
                    case DATE -> {
                        String v = rs.getString(column);
                        yield v == null ? null : LocalDate.parse(v);
                    }
                };
            case FeatureType.ListOf l -> {
                String json = rs.getString(column);
                try {
                    yield json == null ? null : JSON.readValue(json, List.class);
                } catch (JsonProcessingException e) {
                    throw new SQLException("a logged list value cannot be read: " + e.getOriginalMessage(), e);
                }
            }
        };
        return Values.coerce(type, raw);
    }

    /** One row's result: the engine's answer, or why the whole row failed. */
    private record RowOutcome(RowResult result, Throwable failure) {}

    /** Runs the rows of one chunk, at most {@code concurrency} at once; answers when all have finished. */
    private RowOutcome[] runChunk(List<Object[]> inputs, List<Instant> times) {
        int n = inputs.size();
        RowResult[] results = new RowResult[n];
        Throwable[] failures = new Throwable[n];
        Semaphore permits = new Semaphore(concurrency);
        for (int i = 0; i < n; i++) {
            acquire(permits, 1);
            int index = i;
            CompletionStage<List<RowResult>> run;
            try {
                run = executor.execute(
                        graph, job.environment(), recompute.plan(), List.<Object[]>of(inputs.get(i)), times.get(i));
            } catch (RuntimeException e) {
                run = CompletableFuture.failedFuture(e);
            }
            run.whenComplete((answer, failure) -> {
                if (failure != null) {
                    failures[index] = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                } else {
                    results[index] = answer.get(0);
                }
                permits.release();
            });
        }
        acquire(permits, concurrency); // every row has finished: their results are visible after the acquire
        permits.release(concurrency);
        RowOutcome[] out = new RowOutcome[n];
        for (int i = 0; i < n; i++) {
            out[i] = new RowOutcome(results[i], failures[i]);
        }
        return out;
    }

    /** Waits for permits, looking at the cancel flag meanwhile; a cancel or an interrupt stops the run. */
    private void acquire(Semaphore permits, int count) {
        try {
            while (!permits.tryAcquire(count, 100, TimeUnit.MILLISECONDS)) {
                throwIfCancelled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExportCancelledException("the recomputation was interrupted");
        }
        throwIfCancelled();
    }

    private void throwIfCancelled() {
        if (cancelled.getAsBoolean()) {
            throw new ExportCancelledException("the job was cancelled");
        }
    }

    private void append(
            DuckDBAppender appender,
            long row,
            RowOutcome outcome,
            List<OfflineQueryPlan.Output> outputs,
            FeatureErrors.Collector errors)
            throws SQLException {
        appender.beginRow().append(row);
        int[] slots = recompute.plan().outputSlots();
        for (int i = 0; i < outputs.size(); i++) {
            OfflineQueryPlan.Output output = outputs.get(i);
            Object value = null;
            if (outcome.failure() != null) {
                String message = outcome.failure().getMessage() == null
                        ? outcome.failure().getClass().getSimpleName()
                        : outcome.failure().getMessage();
                errors.add(
                        row,
                        output.name(),
                        ErrorCode.INTERNAL_SERVER_ERROR.name(),
                        null,
                        "the row could not be computed: " + message);
            } else {
                FeatureError error = outcome.result().errors()[slots[i]];
                if (error != null) {
                    errors.add(row, output.name(), error.code().name(), error.resolver(), error.message());
                } else {
                    value = outcome.result().values()[slots[i]];
                }
            }
            FeatureValueAppender.append(appender, output.featureType(), value);
        }
        appender.endRow();
    }
}
