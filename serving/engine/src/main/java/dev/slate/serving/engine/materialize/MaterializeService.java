package dev.slate.serving.engine.materialize;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.ErrorDetail;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.OnlineWrite;
import dev.slate.storage.spi.offline.FeatureLookup;
import dev.slate.storage.spi.offline.LatestValue;
import dev.slate.storage.spi.offline.LatestValuesQuery;
import dev.slate.storage.spi.offline.LatestValuesResult;
import dev.slate.storage.spi.offline.OfflineStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reverse ETL: loads the latest offline value of features into the online store, for the active deployment's
 * feature versions of one environment. A value is the latest observation at or before now (ties to the later
 * write); one older than the feature's {@code max_staleness} is not loaded, and the online copy is kept for
 * {@code max_staleness} at most. The online store keeps the newer of two values, so a loaded value never
 * replaces a newer one there.
 *
 * <p>Runs are incremental: per feature version the offline store's marker is remembered
 * ({@link MaterializationMarks}), and the next run reads only what was appended after it. A marker is saved
 * only once every value read up to it has been written, so a failed run is read again, never skipped. Runs of
 * one environment are serialised in this process.
 *
 * <p>Blocking (offline-store reads, waiting for online writes): call it off event loops.
 */
public final class MaterializeService {

    /** Values written to the online store per call. */
    static final int WRITE_BATCH = 1_000;

    private final ServingState state;
    private final OnlineStore online;
    private final OfflineStore offline;
    private final MaterializationMarks marks;
    private final Clock clock;
    private final Duration writeTimeout;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /**
     * @param writeTimeout how long one batch of online writes may take before the run fails (and is retried by the
     *     next one)
     */
    public MaterializeService(
            ServingState state,
            OnlineStore online,
            OfflineStore offline,
            MaterializationMarks marks,
            Clock clock,
            Duration writeTimeout) {
        this.state = requireNonNull(state, "state is null");
        this.online = requireNonNull(online, "online is null");
        this.offline = requireNonNull(offline, "offline is null");
        this.marks = requireNonNull(marks, "marks is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.writeTimeout = requireNonNull(writeTimeout, "writeTimeout is null");
    }

    /** The environments whose active deployment marks at least one feature {@code etl_offline_to_online}. */
    public List<String> environmentsWithMarkedFeatures() {
        List<String> out = new ArrayList<>();
        state.all().forEach((environment, snapshot) -> {
            if (snapshot.deployment().graph().features().values().stream().anyMatch(FeatureNode::etlOfflineToOnline)) {
                out.add(environment);
            }
        });
        out.sort(null);
        return out;
    }

    /**
     * Runs reverse ETL for one environment.
     *
     * @throws SlateException NO_ACTIVE_DEPLOYMENT, or INVALID_QUERY for features that are unknown or cannot be
     *     served from the online store
     */
    public MaterializeResult materialize(String environment, MaterializeRequest request) {
        requireNonNull(environment, "environment is null");
        requireNonNull(request, "request is null");
        ServingSnapshot snapshot = state.snapshot(environment)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.NO_ACTIVE_DEPLOYMENT,
                        "environment '" + environment
                                + "' has no active deployment; deploy a project first (POST /v1/deployments)"));
        FeatureGraph graph = snapshot.deployment().graph();
        List<FeatureNode> features = select(graph, request.features());
        ReentrantLock lock = locks.computeIfAbsent(environment, e -> new ReentrantLock());
        lock.lock();
        try {
            return run(environment, snapshot.deployment().deploymentId(), features, request.full());
        } finally {
            lock.unlock();
        }
    }

    private List<FeatureNode> select(FeatureGraph graph, Optional<List<String>> names) {
        if (names.isEmpty()) {
            return graph.features().values().stream()
                    .filter(FeatureNode::etlOfflineToOnline)
                    .toList();
        }
        List<ErrorDetail.Field> problems = new ArrayList<>();
        List<FeatureNode> out = new ArrayList<>();
        for (String name : names.get()) {
            FeatureNode node = name == null
                    ? null
                    : FeatureId.parse(name).flatMap(graph::feature).orElse(null);
            if (node == null) {
                problems.add(problem(
                        name,
                        Suggestions.unknown(
                                "feature",
                                String.valueOf(name),
                                graph.features().keySet().stream()
                                        .map(FeatureId::qualified)
                                        .toList())));
            } else if (node.producer() instanceof Producer.EntityKey) {
                problems.add(problem(name, name + " is an entity key: queries give it, nothing is stored"));
            } else if (!node.cacheable()) {
                problems.add(problem(name, name + " has max_staleness 0s: it is never served from the online store"));
            } else if (!out.contains(node)) {
                out.add(node);
            }
        }
        if (!problems.isEmpty()) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    problems.size() == 1
                            ? problems.get(0).message()
                            : problems.size() + " features cannot be materialized; see errors",
                    problems);
        }
        return out;
    }

    private static ErrorDetail.Field problem(String name, String message) {
        return new ErrorDetail.Field("features", name, message);
    }

    private MaterializeResult run(String environment, String deploymentId, List<FeatureNode> features, boolean full) {
        long start = System.nanoTime();
        Instant asOf = clock.instant();
        Map<MaterializationMarks.Slot, String> saved = full ? Map.of() : marks.load(environment);
        // one offline read per entity and previous marker (usually: one per entity)
        Map<Group, List<FeatureNode>> groups = new LinkedHashMap<>();
        for (FeatureNode f : features) {
            groups.computeIfAbsent(
                            new Group(f.id().entity(), Optional.ofNullable(saved.get(slotOf(f)))),
                            g -> new ArrayList<>())
                    .add(f);
        }
        Map<FeatureNode, Long> counts = new HashMap<>();
        for (Map.Entry<Group, List<FeatureNode>> e : groups.entrySet()) {
            Group group = e.getKey();
            List<FeatureNode> members = e.getValue();
            List<FeatureLookup> lookups = new ArrayList<>(members.size());
            for (FeatureNode f : members) {
                FeatureSlot slot = new FeatureSlot(f.id().name(), f.version(), f.type());
                lookups.add(f.maxStaleness()
                        .map(d -> FeatureLookup.within(slot, d))
                        .orElseGet(() -> FeatureLookup.latest(slot)));
            }
            Loader loader = new Loader(environment, group.entity(), members, counts);
            LatestValuesResult result = offline.latestValues(
                    new LatestValuesQuery(environment, group.entity(), lookups, group.since(), asOf), loader::accept);
            loader.flush();
            if (result.marker().isPresent()) {
                Map<MaterializationMarks.Slot, String> next = new LinkedHashMap<>();
                members.forEach(f -> next.put(slotOf(f), result.marker().get()));
                marks.save(environment, next);
            }
        }
        List<MaterializeResult.FeatureLoad> loads = new ArrayList<>();
        long total = 0;
        for (FeatureNode f : features) {
            long n = counts.getOrDefault(f, 0L);
            total += n;
            loads.add(new MaterializeResult.FeatureLoad(
                    f.id().qualified(), f.version(), saved.containsKey(slotOf(f)), n));
        }
        return new MaterializeResult(
                environment, deploymentId, asOf, loads, total, Duration.ofNanos(System.nanoTime() - start));
    }

    private static MaterializationMarks.Slot slotOf(FeatureNode f) {
        return new MaterializationMarks.Slot(f.id().entity(), f.id().name(), f.version());
    }

    private record Group(String entity, Optional<String> since) {}

    /** Turns streamed offline values into online writes, in batches; a failed batch fails the run. */
    private final class Loader {
        private final String environment;
        private final String entity;
        private final List<FeatureNode> features;
        private final Map<FeatureNode, Long> counts;
        private final List<OnlineWrite> batch = new ArrayList<>(WRITE_BATCH);

        Loader(String environment, String entity, List<FeatureNode> features, Map<FeatureNode, Long> counts) {
            this.environment = environment;
            this.entity = entity;
            this.features = features;
            this.counts = counts;
        }

        void accept(LatestValue v) {
            if (v.key().parts().size() != 1) {
                return; // online entities have one-part keys; a composite key is not an online entity
            }
            FeatureNode f = features.get(v.feature());
            batch.add(new OnlineWrite(
                    new EntityRef(environment, entity, v.key().parts().get(0)),
                    new FeatureSlot(f.id().name(), f.version(), f.type()),
                    v.value(),
                    v.observedAt(),
                    f.maxStaleness()));
            counts.merge(f, 1L, Long::sum);
            if (batch.size() >= WRITE_BATCH) {
                flush();
            }
        }

        void flush() {
            if (batch.isEmpty()) {
                return;
            }
            try {
                online.write(List.copyOf(batch))
                        .toCompletableFuture()
                        .get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing to the online store", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new MaterializeFailure(
                        "the online store did not accept " + batch.size() + " values of " + environment + "/" + entity
                                + ": "
                                + (e.getCause() == null
                                        ? e.toString()
                                        : e.getCause().getMessage()),
                        e);
            }
            batch.clear();
        }
    }

    /** A run stopped because a store failed; nothing of it was marked as done. */
    public static final class MaterializeFailure extends RuntimeException {
        MaterializeFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
