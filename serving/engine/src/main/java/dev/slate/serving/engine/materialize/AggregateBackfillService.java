package dev.slate.serving.engine.materialize;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.aggregate.BucketedAggregations;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.Durations;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.OnlineStore;
import dev.slate.storage.spi.offline.EntityKey;
import dev.slate.storage.spi.offline.HistoryQuery;
import dev.slate.storage.spi.offline.OfflineStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code slate aggregate backfill}: rebuilds the buckets of one materialized aggregation from the offline store's
 * history of the related entity (docs/specs/aggregations.md, "Backfill"). Every related row with an event time at or
 * after {@code from} (in any of its versions) is replayed, with the latest observation of each needed feature up to
 * {@code to}, through the same newer-wins merge as ingest, so a second run gives the same buckets. Then the
 * aggregation's coverage is set to {@code from} (the beginning of time without it). Blocks: call it off the event loop.
 */
public final class AggregateBackfillService {

    /** Where the coverage of a backfill without {@code from} starts: before any event time Slate stores. */
    static final Instant BEGINNING = Instant.parse("0001-01-01T00:00:00Z");

    private static final int ROWS_PER_BATCH = 5_000;

    private final ServingState state;
    private final OnlineStore online;
    private final OfflineStore offline;
    private final Clock clock;

    public AggregateBackfillService(ServingState state, OnlineStore online, OfflineStore offline, Clock clock) {
        this.state = requireNonNull(state, "state is null");
        this.online = requireNonNull(online, "online is null");
        this.offline = requireNonNull(offline, "offline is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** What a backfill did. */
    public record Result(
            String environment,
            String aggregation,
            String bucket,
            long rows,
            long observations,
            Instant from,
            Instant to) {}

    /**
     * @param feature the aggregation ({@code user.spend}) or one of its windows ({@code user.spend[30d]})
     * @throws SlateException {@code NOT_FOUND} for an unknown aggregation, {@code INVALID_QUERY} for one that is not
     *     materialized or a bad range, {@code CONFLICT} when the online store keeps no buckets
     */
    public Result backfill(String environment, String feature, Optional<Instant> from, Optional<Instant> to) {
        ServingSnapshot snapshot = state.snapshot(environment)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.NO_ACTIVE_DEPLOYMENT,
                        "environment '" + environment + "' has no active deployment; deploy a project first"));
        FeatureGraph graph = snapshot.deployment().graph();
        AggregationNode a = aggregation(graph, feature);
        if (!BucketedAggregations.materialized(graph, a)) {
            throw new SlateException(
                    ErrorCode.INVALID_QUERY,
                    a.id() + " is not materialized: declare materialize: {bucket: …} (its relation's foreign key must"
                            + " refer to the parent's key)");
        }
        BucketedAggregations buckets = online.buckets()
                .map(b -> new BucketedAggregations(b, clock))
                .orElseThrow(() -> new SlateException(
                        ErrorCode.CONFLICT, "the online store of this appliance keeps no aggregation buckets"));
        Instant until = to.orElse(clock.instant());
        if (from.isPresent() && !from.get().isBefore(until)) {
            throw new SlateException(ErrorCode.INVALID_QUERY, "from must be before to");
        }
        List<FeatureId> needed = BucketedAggregations.needed(a);
        List<FeatureNode> nodes = new ArrayList<>();
        List<FeatureSlot> slots = new ArrayList<>();
        for (FeatureId f : needed) {
            FeatureNode n = graph.feature(f).orElseThrow();
            nodes.add(n);
            slots.add(new FeatureSlot(n.id().name(), n.version(), n.type()));
        }
        int time = needed.indexOf(a.time());
        Map<EntityKey, Row> rows = new LinkedHashMap<>();
        offline.history(new HistoryQuery(environment, a.relation().target(), slots, until), o -> {
            Row row = rows.computeIfAbsent(o.key(), k -> new Row(new Object[slots.size()], new Instant[slots.size()]));
            // per key in time, then write order: the last one delivered is the one that wins
            row.values()[o.feature()] = o.value();
            row.observedAt()[o.feature()] = o.observedAt();
            if (o.feature() == time
                    && o.value() instanceof Instant ts
                    && (from.isEmpty() || !ts.isBefore(from.get()))) {
                row.inRange()[0] = true;
            }
        });
        long replayed = 0;
        long observations = 0;
        List<BucketedAggregations.Observation> batch = new ArrayList<>();
        int inBatch = 0;
        for (Map.Entry<EntityKey, Row> e : rows.entrySet()) {
            Row row = e.getValue();
            if (!row.inRange()[0]) {
                continue;
            }
            Object key = e.getKey().parts().getFirst();
            for (int f = 0; f < slots.size(); f++) {
                if (row.observedAt()[f] != null) {
                    batch.add(new BucketedAggregations.Observation(
                            nodes.get(f), key, row.values()[f], row.observedAt()[f]));
                    observations++;
                }
            }
            replayed++;
            if (++inBatch == ROWS_PER_BATCH) {
                buckets.apply(environment, graph, batch, a::equals);
                batch.clear();
                inBatch = 0;
            }
        }
        if (!batch.isEmpty()) {
            buckets.apply(environment, graph, batch, a::equals);
        }
        Instant coverage = from.orElse(BEGINNING);
        buckets.cover(environment, a, coverage).join();
        return new Result(
                environment,
                a.id().qualified(),
                Durations.format(a.bucket().orElseThrow()),
                replayed,
                observations,
                coverage,
                until);
    }

    private record Row(Object[] values, Instant[] observedAt, boolean[] inRange) {
        Row(Object[] values, Instant[] observedAt) {
            this(values, observedAt, new boolean[1]);
        }
    }

    private static AggregationNode aggregation(FeatureGraph graph, String feature) {
        String name = feature == null ? "" : feature.strip();
        int bracket = name.indexOf('[');
        String base = bracket >= 0 ? name.substring(0, bracket) : name;
        return FeatureId.parse(base)
                .map(graph.aggregations()::get)
                .orElseThrow(() -> new SlateException(
                        ErrorCode.NOT_FOUND,
                        "no aggregation " + base + " in the active deployment; name one as entity.aggregation, e.g."
                                + " user.spend"));
    }
}
