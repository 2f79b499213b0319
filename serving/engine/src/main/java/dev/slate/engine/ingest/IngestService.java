package dev.slate.engine.ingest;

import static java.util.Objects.requireNonNull;

import dev.slate.engine.query.ServingSnapshot;
import dev.slate.engine.query.ServingState;
import dev.slate.model.FeatureId;
import dev.slate.model.Suggestions;
import dev.slate.model.error.ErrorCode;
import dev.slate.model.error.SlateException;
import dev.slate.model.graph.EntityNode;
import dev.slate.model.graph.FeatureGraph;
import dev.slate.model.graph.FeatureNode;
import dev.slate.model.graph.Producer;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Validates ingested rows against the environment's active graph and writes them to the online store,
 * the offline store, or both. All or nothing at validation: one bad row rejects the request with every
 * problem listed, and nothing is written. The online store keeps the newer observation, so a backdated
 * row never overwrites a newer online value; the offline store keeps every observation.
 */
public final class IngestService {

    private final ServingState state;
    private final OnlineStore online;
    private final Optional<OfflineStore> offline;
    private final Executor blockingExecutor;
    private final Clock clock;
    private final int maxRows;

    /**
     * @param blockingExecutor where offline-store appends run (they block on file and database I/O)
     * @param maxRows most rows one request may carry
     */
    public IngestService(ServingState state, OnlineStore online, Optional<OfflineStore> offline, Executor blockingExecutor, Clock clock,
            int maxRows) {
        this.state = requireNonNull(state, "state is null");
        this.online = requireNonNull(online, "online is null");
        this.offline = requireNonNull(offline, "offline is null");
        this.blockingExecutor = requireNonNull(blockingExecutor, "blockingExecutor is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.maxRows = maxRows;
    }

    public CompletionStage<IngestResult> ingest(String environment, IngestRequest request) {
        ServingSnapshot snapshot = state.snapshot(environment).orElseThrow(() -> new SlateException(ErrorCode.NO_ACTIVE_DEPLOYMENT,
                "environment '" + environment + "' has no active deployment; deploy a project first (POST /v1/deployments)"));
        if (!request.storeOnline() && !request.storeOffline()) {
            throw invalid("store_online and store_offline are both false: nothing would be stored", List.of());
        }
        if (request.storeOffline() && offline.isEmpty()) {
            throw new SlateException(ErrorCode.CONFLICT, "this appliance has no offline store configured; send store_offline: false");
        }
        if (request.rows().isEmpty()) {
            throw invalid("rows is empty", List.of());
        }
        if (request.rows().size() > maxRows) {
            throw invalid("too many rows: " + request.rows().size() + " (at most " + maxRows + " per request)", List.of());
        }
        FeatureGraph graph = snapshot.deployment().graph();
        List<IngestedValue> values = validate(graph, request.rows());
        String deploymentId = snapshot.deployment().deploymentId();

        List<OnlineWrite> onlineWrites = new ArrayList<>();
        if (request.storeOnline()) {
            for (IngestedValue v : values) {
                if (v.feature().maxStaleness().map(Duration::isZero).orElse(false)) {
                    continue; // never served from the online store
                }
                onlineWrites.add(new OnlineWrite(new EntityRef(environment, v.feature().id().entity(), v.key()), slot(v.feature()), v.value(),
                        v.observedAt(), v.feature().maxStaleness()));
            }
        }
        List<ObservedValue> observed = new ArrayList<>();
        if (request.storeOffline()) {
            Provenance provenance = new Provenance(SourceKind.INGESTED, Optional.empty(), Optional.of("ingest"), Optional.of(deploymentId));
            for (IngestedValue v : values) {
                observed.add(new ObservedValue(environment, v.feature().id().entity(), EntityKey.of(v.key()), slot(v.feature()), v.value(),
                        v.observedAt(), provenance));
            }
        }
        CompletableFuture<Void> offlineDone = observed.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> offline.get().append(observed), blockingExecutor);
        CompletableFuture<Void> onlineDone = onlineWrites.isEmpty()
                ? CompletableFuture.completedFuture(null)
                : online.write(onlineWrites).toCompletableFuture();
        return CompletableFuture.allOf(offlineDone, onlineDone).thenApply(v -> new IngestResult(environment, deploymentId,
                request.rows().size(), values.size(), onlineWrites.size(), observed.size()));
    }

    private static FeatureSlot slot(FeatureNode node) {
        return new FeatureSlot(node.id().name(), node.version(), node.type());
    }

    private List<IngestedValue> validate(FeatureGraph graph, List<Map<String, Object>> rows) {
        List<Map<String, Object>> problems = new ArrayList<>();
        List<IngestedValue> out = new ArrayList<>();
        Instant now = clock.instant();
        for (int r = 0; r < rows.size() && problems.size() < 100; r++) {
            Map<String, Object> row = rows.get(r);
            String where = "rows[" + r + "]";
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
            java.util.Set<String> invalidKeys = new java.util.HashSet<>();
            List<FeatureNode> features = new ArrayList<>();
            List<Object> featureValues = new ArrayList<>();
            for (Map.Entry<String, Object> e : row.entrySet()) {
                if (e.getKey().equals(IngestRequest.TIMESTAMP)) {
                    continue;
                }
                FeatureNode node = FeatureId.parse(e.getKey()).flatMap(graph::feature).orElse(null);
                if (node == null) {
                    problems.add(problem(where, e.getKey(), "unknown feature '" + e.getKey() + "'" + Suggestions.didYouMean(e.getKey(),
                            graph.features().keySet().stream().map(FeatureId::qualified).toList())));
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
            if (features.isEmpty() && problems.isEmpty()) {
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
                    problems.add(problem(where, node.id().qualified(), "the row has no " + entity.key().qualified()
                            + ", the key of entity " + entity.name()));
                    continue;
                }
                out.add(new IngestedValue(node, key, featureValues.get(i), observedAt));
            }
        }
        if (!problems.isEmpty()) {
            String summary = problems.size() == 1 ? String.valueOf(problems.get(0).get("message")) : problems.size() + " problems in the rows; see errors";
            throw invalid(summary, problems);
        }
        return out;
    }

    private static SlateException invalid(String message, List<Map<String, Object>> problems) {
        return new SlateException(ErrorCode.INVALID_QUERY, message, problems);
    }

    private static Map<String, Object> problem(String field, String name, String message) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("field", field);
        if (name != null) {
            p.put("name", name);
        }
        p.put("message", message);
        return p;
    }
}
