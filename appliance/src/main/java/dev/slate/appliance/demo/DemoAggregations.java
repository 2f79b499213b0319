package dev.slate.appliance.demo;

import static java.util.Objects.requireNonNull;

import dev.slate.serving.engine.aggregate.BucketedAggregations;
import dev.slate.serving.engine.ingest.IngestRequest;
import dev.slate.serving.engine.ingest.IngestResult;
import dev.slate.serving.engine.ingest.IngestService;
import dev.slate.serving.engine.materialize.AggregateBackfillService;
import dev.slate.serving.engine.query.ServingSnapshot;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.offline.HistoryQuery;
import dev.slate.storage.spi.offline.OfflineStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Fills the buckets of the example's materialized aggregations ({@code user.spend}, docs/specs/aggregations.md,
 * "Online: materialized") from the seeded {@code transactions} table, the way a user with rows in a SQL source does it:
 *
 * <ol>
 *   <li>the transactions the offline store lacks are ingested into it ({@code POST /v1/ingest} with
 *       {@code transaction.*} columns, {@code store_online: false}), each observed at its event time, so the offline
 *       store knows every row from the moment it happened (a backfill rebuilds buckets only from the offline store);
 *   <li>each materialized aggregation over {@code transaction} is backfilled ({@code POST
 *       /v1/aggregations/{feature}/backfill}, everything in the offline store), which rebuilds its buckets and sets
 *       its coverage, so queries read the buckets instead of falling back to pushdown.
 * </ol>
 *
 * Both steps are idempotent: a transaction counts as already ingested when the offline store holds its event time
 * observed at that same event time (what step 1 writes), so a second start ingests nothing, and a backfill replays
 * each row into its one contribution (a second run gives the same buckets). A start after the online store lost its
 * buckets (the embedded Redis keeps nothing on disk) rebuilds them. Blocks: call it off the event loop.
 */
final class DemoAggregations {
    static final String RELATED_ENTITY = "transaction";

    private final ServingState state;
    private final IngestService ingest;
    private final AggregateBackfillService backfill;
    private final OfflineStore offline;
    private final Clock clock;
    private final int rowsPerIngest;

    DemoAggregations(
            ServingState state,
            IngestService ingest,
            AggregateBackfillService backfill,
            OfflineStore offline,
            Clock clock,
            int rowsPerIngest) {
        this.state = requireNonNull(state, "state is null");
        this.ingest = requireNonNull(ingest, "ingest is null");
        this.backfill = requireNonNull(backfill, "backfill is null");
        this.offline = requireNonNull(offline, "offline is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (rowsPerIngest < 1) {
            throw new IllegalArgumentException("rowsPerIngest must be positive: " + rowsPerIngest);
        }
        this.rowsPerIngest = rowsPerIngest;
    }

    /**
     * What {@link #fill} did.
     *
     * @param ingested transactions ingested into the offline store now
     * @param alreadyStored transactions the offline store held before (from an earlier start)
     * @param backfills one per materialized aggregation over {@code transaction}, in the graph's order
     * @param ingestTook reading what the offline store holds and ingesting the rest
     * @param backfillTook the backfills
     */
    record Outcome(
            long ingested,
            long alreadyStored,
            List<AggregateBackfillService.Result> backfills,
            Duration ingestTook,
            Duration backfillTook) {
        Outcome {
            backfills = List.copyOf(backfills);
            requireNonNull(ingestTook, "ingestTook is null");
            requireNonNull(backfillTook, "backfillTook is null");
        }
    }

    /**
     * The materialized aggregations of {@code environment}'s active deployment over {@code transaction}; empty when
     * it serves none (a project of the user's own), and then {@link #fill} does nothing.
     */
    List<AggregationNode> materialized(String environment) {
        return state.snapshot(environment)
                .map(s -> materialized(s.deployment().graph()))
                .orElse(List.of());
    }

    /** Ingests what the offline store lacks of {@code transactions}, then backfills every materialized aggregation. */
    Outcome fill(String environment, List<DemoDatabase.Transaction> transactions) {
        ServingSnapshot snapshot = state.snapshot(environment)
                .orElseThrow(() -> new IllegalStateException(
                        "environment '" + environment + "' serves no deployment: nothing to fill buckets for"));
        FeatureGraph graph = snapshot.deployment().graph();
        List<AggregationNode> aggregations = materialized(graph);
        if (aggregations.isEmpty()) {
            return new Outcome(0, 0, List.of(), Duration.ZERO, Duration.ZERO);
        }
        long started = System.nanoTime();
        Set<Object> stored = storedAtEventTime(environment, graph);
        long alreadyStored = 0;
        long ingested = 0;
        List<Map<String, Object>> batch = new ArrayList<>(rowsPerIngest);
        Predicate<String> known =
                name -> graph.feature(new FeatureId(RELATED_ENTITY, name)).isPresent();
        for (DemoDatabase.Transaction t : transactions) {
            if (stored.contains(t.id())) {
                alreadyStored++;
                continue;
            }
            batch.add(row(t, known));
            if (batch.size() == rowsPerIngest) {
                ingested += send(environment, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            ingested += send(environment, batch);
        }
        long ingestDone = System.nanoTime();
        List<AggregateBackfillService.Result> results = new ArrayList<>();
        for (AggregationNode a : aggregations) {
            results.add(backfill.backfill(environment, a.id().qualified(), Optional.empty(), Optional.empty()));
        }
        return new Outcome(
                ingested,
                alreadyStored,
                results,
                Duration.ofNanos(ingestDone - started),
                Duration.ofNanos(System.nanoTime() - ingestDone));
    }

    private long send(String environment, List<Map<String, Object>> rows) {
        IngestResult result = ingest.ingest(environment, new IngestRequest(List.copyOf(rows), false, true))
                .toCompletableFuture()
                .join();
        return result.rows();
    }

    /** An ingest row of one transaction: the columns the deployed project has as features, observed at its {@code ts}. */
    private static Map<String, Object> row(DemoDatabase.Transaction t, Predicate<String> known) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(RELATED_ENTITY + ".id", t.id());
        put(row, known, "user_id", t.userId());
        put(row, known, "amount", t.amount());
        put(row, known, "merchant", t.merchant());
        put(row, known, "ts", t.ts().toString());
        row.put(IngestRequest.TIMESTAMP, t.ts().toString());
        return row;
    }

    private static void put(Map<String, Object> row, Predicate<String> known, String name, Object value) {
        if (known.test(name)) {
            row.put(RELATED_ENTITY + "." + name, value);
        }
    }

    /**
     * The ids of the transactions whose event time the offline store holds as observed at that event time: the
     * observation {@link #row} writes (a value the feature log recorded when a query read the row is observed later,
     * at the query's time, and does not count).
     */
    private Set<Object> storedAtEventTime(String environment, FeatureGraph graph) {
        FeatureNode ts = graph.feature(new FeatureId(RELATED_ENTITY, "ts"))
                .orElseThrow(() -> new IllegalStateException("the deployed project has materialized aggregations over "
                        + RELATED_ENTITY + " but no feature " + RELATED_ENTITY + ".ts"));
        Set<Object> ids = new HashSet<>();
        offline.history(
                new HistoryQuery(
                        environment,
                        RELATED_ENTITY,
                        List.of(new FeatureSlot(ts.id().name(), ts.version(), ts.type())),
                        clock.instant()),
                o -> {
                    if (o.value() != null && o.value().equals(o.observedAt())) {
                        ids.add(o.key().parts().getFirst());
                    }
                });
        return ids;
    }

    private static List<AggregationNode> materialized(FeatureGraph graph) {
        return graph.aggregations().values().stream()
                .filter(a -> a.relation().target().equals(RELATED_ENTITY))
                .filter(a -> BucketedAggregations.materialized(graph, a))
                .toList();
    }
}
