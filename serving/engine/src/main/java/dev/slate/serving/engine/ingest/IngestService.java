package dev.slate.serving.engine.ingest;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.aggregate.BucketedAggregations;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.EntityNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.ValueConversionException;
import dev.slate.storage.spi.Values;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.OfflineStore;
import dev.slate.storage.spi.offline.OfflineTimes;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.spi.offline.SourceKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Validates ingested rows against the environment's active graph and writes them to the online store,
 * the offline store, or both. All or nothing at validation: one bad row rejects the request with every
 * problem listed, and nothing is written. The online store keeps the newer observation, so a backdated
 * row never overwrites a newer online value; the offline store keeps every observation.
 */
public final class IngestService {

    /** Rows of a Parquet upload validated and stored at a time. */
    public static final int PARQUET_BATCH_ROWS = 10_000;

    private static final int MAX_PROBLEMS = 100;

    private final ServingState state;
    private final OnlineStore online;
    private final Optional<OfflineStore> offline;
    private final Executor blockingExecutor;
    private final Clock clock;
    private final int maxRows;
    private final Optional<BucketedAggregations> bucketed;

    /**
     * @param blockingExecutor where offline-store appends run (they block on file and database I/O)
     * @param maxRows most rows one request may carry
     */
    public IngestService(
            ServingState state,
            OnlineStore online,
            Optional<OfflineStore> offline,
            Executor blockingExecutor,
            Clock clock,
            int maxRows) {
        this.state = requireNonNull(state, "state is null");
        this.online = requireNonNull(online, "online is null");
        this.offline = requireNonNull(offline, "offline is null");
        this.blockingExecutor = requireNonNull(blockingExecutor, "blockingExecutor is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxRows = maxRows;
        this.bucketed = online.buckets().map(b -> new BucketedAggregations(b, clock));
    }

    public CompletionStage<IngestResult> ingest(String environment, IngestRequest request) {
        ServingSnapshot snapshot = activeSnapshot(environment);
        checkStores(request.storeOnline(), request.storeOffline());
        if (request.rows().isEmpty()) {
            throw invalid("rows is empty", List.of());
        }
        if (request.rows().size() > maxRows) {
            throw invalid(
                    "too many rows: " + request.rows().size() + " (at most " + maxRows + " per request)", List.of());
        }
        List<ErrorDetail.Field> problems = new ArrayList<>();
        List<IngestedValue> values =
                validate(snapshot.deployment().graph(), request.rows(), 0, clock.instant(), problems);
        throwIfAny(problems);
        Writes writes = writes(
                environment,
                snapshot.deployment().deploymentId(),
                values,
                request.storeOnline(),
                request.storeOffline());
        return write(writes)
                .thenCompose(
                        v -> updateBuckets(environment, snapshot.deployment().graph(), values, request.storeOnline()))
                .thenApply(v -> new IngestResult(
                        environment,
                        snapshot.deployment().deploymentId(),
                        request.rows().size(),
                        values.size(),
                        writes.online().size(),
                        writes.offline().size()));
    }

    /**
     * Ingests a Parquet file: one column per qualified feature or key name, optionally {@code __ts__}
     * (a timestamp; naive timestamps are UTC). The whole file is validated first, and nothing is stored
     * when any row is invalid (every problem is listed, up to 100); then it is stored {@link #PARQUET_BATCH_ROWS}
     * rows at a time. A store failing part-way answers 503 {@code STORE_UNAVAILABLE} saying how many rows
     * were stored; sending the same file again is safe (a value with the same key and observation time
     * replaces itself). Blocks: call it off the event loop.
     */
    public IngestResult ingestParquet(String environment, Path file, boolean storeOnline, boolean storeOffline) {
        ServingSnapshot snapshot = activeSnapshot(environment);
        checkStores(storeOnline, storeOffline);
        FeatureGraph graph = snapshot.deployment().graph();
        String deploymentId = snapshot.deployment().deploymentId();
        Instant now = clock.instant(); // rows without __ts__ are observed at the same instant in both passes
        try (ParquetRows parquet = ParquetRows.open(file)) {
            checkColumns(graph, parquet.columns());
            List<ErrorDetail.Field> problems = new ArrayList<>();
            long rows = parquet.forEachBatch(PARQUET_BATCH_ROWS, (first, batch) -> {
                if (problems.size() < MAX_PROBLEMS) {
                    validate(graph, batch, first, now, problems);
                }
            });
            if (rows == 0) {
                throw invalid("the Parquet file has no rows", List.of());
            }
            throwIfAny(problems);
            long[] stored = new long[4]; // rows, values, online writes, offline values
            parquet.forEachBatch(PARQUET_BATCH_ROWS, (first, batch) -> {
                List<ErrorDetail.Field> late = new ArrayList<>();
                List<IngestedValue> values = validate(graph, batch, first, now, late);
                throwIfAny(late); // the file is the job's own copy: it cannot change between the passes
                Writes writes = writes(environment, deploymentId, values, storeOnline, storeOffline);
                try {
                    write(writes)
                            .thenCompose(v -> updateBuckets(environment, graph, values, storeOnline))
                            .join();
                } catch (CompletionException | CancellationException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new SlateException(
                            ErrorCode.STORE_UNAVAILABLE,
                            "a store failed after " + stored[0] + " of " + rows
                                    + " rows were stored (rows " + first + " and later were not): " + describe(cause)
                                    + "; sending the same file again is safe",
                            cause);
                }
                stored[0] += batch.size();
                stored[1] += values.size();
                stored[2] += writes.online().size();
                stored[3] += writes.offline().size();
            });
            return new IngestResult(
                    environment,
                    deploymentId,
                    Math.toIntExact(stored[0]),
                    Math.toIntExact(stored[1]),
                    Math.toIntExact(stored[2]),
                    Math.toIntExact(stored[3]));
        }
    }

    private ServingSnapshot activeSnapshot(String environment) {
        return state.snapshot(environment)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.NO_ACTIVE_DEPLOYMENT,
                        "environment '" + environment
                                + "' has no active deployment; deploy a project first (POST /v1/deployments)"));
    }

    private void checkStores(boolean storeOnline, boolean storeOffline) {
        if (!storeOnline && !storeOffline) {
            throw invalid("store_online and store_offline are both false: nothing would be stored", List.of());
        }
        if (storeOffline && offline.isEmpty()) {
            throw new SlateException(
                    ErrorCode.CONFLICT, "this appliance has no offline store configured; send store_offline: false");
        }
    }

    /** Every column of an upload must name a feature, a key, or {@code __ts__}: checked once, not per row. */
    private static void checkColumns(FeatureGraph graph, List<String> columns) {
        List<ErrorDetail.Field> problems = new ArrayList<>();
        List<String> known =
                graph.features().keySet().stream().map(FeatureId::qualified).toList();
        for (String column : columns) {
            if (!column.equals(IngestRequest.TIMESTAMP)
                    && FeatureId.parse(column).flatMap(graph::feature).isEmpty()) {
                problems.add(problem("columns", column, Suggestions.unknown("feature", column, known)));
            }
        }
        throwIfAny(problems);
    }

    private record Writes(List<OnlineWrite> online, List<ObservedValue> offline) {}

    private static Writes writes(
            String environment,
            String deploymentId,
            List<IngestedValue> values,
            boolean storeOnline,
            boolean storeOffline) {
        List<OnlineWrite> onlineWrites = new ArrayList<>();
        if (storeOnline) {
            for (IngestedValue v : values) {
                if (v.feature().maxStaleness().map(Duration::isZero).orElse(false)) {
                    continue; // never served from the online store
                }
                onlineWrites.add(new OnlineWrite(
                        new EntityRef(environment, v.feature().id().entity(), v.key()),
                        slot(v.feature()),
                        v.value(),
                        v.observedAt(),
                        v.feature().maxStaleness()));
            }
        }
        List<ObservedValue> observed = new ArrayList<>();
        if (storeOffline) {
            Provenance provenance = new Provenance(
                    SourceKind.INGESTED, Optional.empty(), Optional.of("ingest"), Optional.of(deploymentId));
            for (IngestedValue v : values) {
                observed.add(new ObservedValue(
                        environment,
                        v.feature().id().entity(),
                        EntityKey.of(v.key()),
                        slot(v.feature()),
                        v.value(),
                        v.observedAt(),
                        provenance));
            }
        }
        return new Writes(onlineWrites, observed);
    }

    /** Completes once both stores accepted their part. */
    private CompletableFuture<Void> write(Writes writes) {
        CompletableFuture<Void> offlineDone = writes.offline().isEmpty()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> offline.get().append(writes.offline()), blockingExecutor);
        CompletableFuture<Void> onlineDone = writes.online().isEmpty()
                ? CompletableFuture.completedFuture(null)
                : online.write(writes.online()).toCompletableFuture();
        return CompletableFuture.allOf(offlineDone, onlineDone);
    }

    /**
     * Updates the buckets of the materialized aggregations over the ingested entities (docs/specs/aggregations.md,
     * "Online: materialized"), once the values are stored; only for online ingests (buckets are online state).
     */
    private CompletableFuture<Void> updateBuckets(
            String environment, FeatureGraph graph, List<IngestedValue> values, boolean storeOnline) {
        if (!storeOnline || bucketed.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<BucketedAggregations.Observation> observations = new ArrayList<>(values.size());
        for (IngestedValue v : values) {
            observations.add(new BucketedAggregations.Observation(v.feature(), v.key(), v.value(), v.observedAt()));
        }
        return CompletableFuture.runAsync(
                () -> bucketed.get().apply(environment, graph, observations), blockingExecutor);
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank()
                ? t.getClass().getSimpleName()
                : m.strip().lines().findFirst().orElse(m);
    }

    private static void throwIfAny(List<ErrorDetail.Field> problems) {
        if (!problems.isEmpty()) {
            String summary = problems.size() == 1
                    ? problems.get(0).message()
                    : problems.size() + " problems in the rows; see errors";
            throw invalid(summary, problems);
        }
    }

    private static FeatureSlot slot(FeatureNode node) {
        return new FeatureSlot(node.id().name(), node.version(), node.type());
    }

    /**
     * Checks {@code rows} (the first being row {@code firstRow} of the request or file), adding each problem
     * to {@code problems} (at most {@link #MAX_PROBLEMS} in all); answers the values of the valid rows.
     */
    private static List<IngestedValue> validate(
            FeatureGraph graph,
            List<Map<String, Object>> rows,
            long firstRow,
            Instant now,
            List<ErrorDetail.Field> problems) {
        List<IngestedValue> out = new ArrayList<>();
        for (int r = 0; r < rows.size() && problems.size() < MAX_PROBLEMS; r++) {
            Map<String, Object> row = rows.get(r);
            String where = "rows[" + (firstRow + r) + "]";
            int problemsBefore = problems.size();
            if (row == null || row.isEmpty()) {
                problems.add(problem(where, null, "a row must hold at least an entity key and one feature"));
                continue;
            }
            Instant observedAt = now;
            Object ts = row.get(IngestRequest.TIMESTAMP);
            if (ts != null) {
                try {
                    observedAt = OfflineTimes.requireInRange(Values.toInstant(ts), IngestRequest.TIMESTAMP);
                } catch (IllegalArgumentException e) {
                    problems.add(problem(where, IngestRequest.TIMESTAMP, e.getMessage()));
                    continue;
                }
            }
            Map<String, Object> keys = new LinkedHashMap<>();
            Set<String> invalidKeys = new HashSet<>();
            List<FeatureNode> features = new ArrayList<>();
            List<Object> featureValues = new ArrayList<>();
            for (Map.Entry<String, Object> e : row.entrySet()) {
                if (e.getKey().equals(IngestRequest.TIMESTAMP)) {
                    continue;
                }
                FeatureNode node =
                        FeatureId.parse(e.getKey()).flatMap(graph::feature).orElse(null);
                if (node == null) {
                    problems.add(problem(
                            where,
                            e.getKey(),
                            Suggestions.unknown(
                                    "feature",
                                    e.getKey(),
                                    graph.features().keySet().stream()
                                            .map(FeatureId::qualified)
                                            .toList())));
                    continue;
                }
                Object value;
                try {
                    value = e.getValue() == null ? null : Values.coerce(node.type(), e.getValue());
                } catch (ValueConversionException ex) {
                    problems.add(problem(where, e.getKey(), node.id() + ": " + ex.getMessage()));
                    if (node.producer() instanceof Producer.EntityKey) {
                        invalidKeys.add(node.id().entity());
                    }
                    continue;
                }
                if (node.producer() instanceof Producer.EntityKey) {
                    if (value == null) {
                        problems.add(problem(where, e.getKey(), "key " + node.id() + " must not be null"));
                    } else {
                        keys.put(node.id().entity(), value);
                    }
                } else {
                    features.add(node);
                    featureValues.add(value);
                }
            }
            if (features.isEmpty() && problems.size() == problemsBefore) {
                problems.add(problem(where, null, "the row has no feature values, only keys"));
            }
            for (int i = 0; i < features.size(); i++) {
                FeatureNode node = features.get(i);
                Object key = keys.get(node.id().entity());
                if (key == null && invalidKeys.contains(node.id().entity())) {
                    continue; // the key's own problem is already listed
                }
                if (key == null) {
                    EntityNode entity = graph.entity(node.id().entity()).orElseThrow();
                    problems.add(problem(
                            where,
                            node.id().qualified(),
                            "the row has no " + entity.key().qualified() + ", the key of entity " + entity.name()));
                    continue;
                }
                out.add(new IngestedValue(node, key, featureValues.get(i), observedAt));
            }
        }
        return out;
    }

    private static SlateException invalid(String message, List<ErrorDetail.Field> problems) {
        return new SlateException(ErrorCode.INVALID_QUERY, message, problems);
    }

    private static ErrorDetail.Field problem(String field, String name, String message) {
        return new ErrorDetail.Field(field, name, message);
    }
}
