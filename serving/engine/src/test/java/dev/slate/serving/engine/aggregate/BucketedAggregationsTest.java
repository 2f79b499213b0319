package dev.slate.serving.engine.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.ingest.IngestRequest;
import dev.slate.serving.engine.ingest.IngestService;
import dev.slate.serving.engine.materialize.AggregateBackfillService;
import dev.slate.serving.engine.query.FeatureValue;
import dev.slate.serving.engine.query.OnlineQueryRequest;
import dev.slate.serving.engine.query.OnlineQueryService;
import dev.slate.serving.engine.query.QueryAnswer;
import dev.slate.serving.engine.query.QueryLimits;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.AggregateFunction;
import dev.slate.serving.model.graph.AggregationNode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.storage.redis.RedisOnlineStore;
import dev.slate.storage.redis.RedisOnlineStoreConfig;
import dev.slate.storage.spi.AggregateBuckets;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.testing.InMemoryOfflineStore;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.hll.HllSketch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Materialized aggregations through the ingest path into real Redis buckets (docs/specs/aggregations.md, "Online:
 * materialized"): the bucket-aligned window, late rows, corrections and deletes by re-ingest, and partial states that
 * survive their bytes.
 */
class BucketedAggregationsTest {
    static final String ENV = "prod";
    static final Instant T = Instant.parse("2026-06-01T10:30:00Z");
    static final String PROJECT = """
            project: buckets
            entities:
              user:
                key: id
                features:
                  id: int
                  transactions: {has_many: transaction, foreign_key: user_id}
                  txn_count: {aggregate: count, over: transactions, windows: [1h, 1d], materialize: {bucket: 1h}}
                  spend: {aggregate: sum, of: amount, over: transactions, windows: [1h, 1d], where: "amount > 0.0", materialize: {bucket: 1h}}
                  biggest: {aggregate: max, of: amount, over: transactions, windows: [1h, 1d], materialize: {bucket: 1h}}
              transaction:
                key: id
                time: ts
                features:
                  id: int
                  user_id: {type: int, ingested: true}
                  amount: {type: float, ingested: true}
                  ts: {type: datetime, ingested: true}
            """;

    /** A second environment: the two sketch functions, materialized. */
    static final String SKETCH_ENV = "sketches";

    static final String SKETCH_PROJECT = """
            project: sketches
            entities:
              user:
                key: id
                features:
                  id: int
                  transactions: {has_many: transaction, foreign_key: user_id}
                  p90: {aggregate: approx_percentile, of: amount, percentile: 0.9, over: transactions, windows: [1h, 1d], materialize: {bucket: 1h}}
                  uniq: {aggregate: approx_count_distinct, of: merchant, over: transactions, windows: [1h, 1d], materialize: {bucket: 1h}}
              transaction:
                key: id
                time: ts
                features:
                  id: int
                  user_id: {type: int, ingested: true}
                  amount: {type: float, ingested: true}
                  merchant: {type: string, ingested: true}
                  ts: {type: datetime, ingested: true}
            """;

    /** A third environment: windows of three days over hourly buckets, read through whole-day tiles. */
    static final String TILE_ENV = "tiles";

    static final String TILE_PROJECT =
            PROJECT.replace("project: buckets", "project: tiles").replace("windows: [1h, 1d]", "windows: [1h, 3d]");

    static final String PREFIX = "bucketstest" + UUID.randomUUID().toString().substring(0, 8);

    static Vertx vertx;
    static RedisOnlineStore redis;
    static ServingState state;
    static ExecutorService blocking;
    static IngestService ingest;
    static InMemoryOfflineStore offline;
    static PlanExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        blocking = Executors.newFixedThreadPool(2);
        redis = new RedisOnlineStore(
                vertx,
                new RedisOnlineStoreConfig(
                        List.of(TestServers.redisUrl()),
                        RedisOnlineStoreConfig.ClientType.STANDALONE,
                        4,
                        RedisOnlineStoreConfig.DEFAULT_MAX_POOL_WAITING,
                        RedisOnlineStoreConfig.DEFAULT_MAX_WAITING_HANDLERS,
                        PREFIX));
        state = new ServingState();
        state.install(new ActiveDeployment(ENV, "d1", 1, ProjectCompiler.compile(Map.of("slate.yaml", PROJECT)), T));
        state.install(new ActiveDeployment(
                SKETCH_ENV, "d1", 1, ProjectCompiler.compile(Map.of("slate.yaml", SKETCH_PROJECT)), T));
        state.install(new ActiveDeployment(
                TILE_ENV, "d1", 1, ProjectCompiler.compile(Map.of("slate.yaml", TILE_PROJECT)), T));
        offline = new InMemoryOfflineStore();
        ingest = new IngestService(state, redis, Optional.of(offline), blocking, Clock.fixed(T, ZoneOffset.UTC), 1000);
        ResolverRunner none = (graph, resolver, parameters) ->
                CompletableFuture.failedFuture(new IllegalStateException("no resolver runs here"));
        executor = new PlanExecutor(redis, none, QueryObserver.NONE, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        redis.dropNamespace(ENV).toCompletableFuture().get(30, TimeUnit.SECONDS);
        redis.dropNamespace(SKETCH_ENV).toCompletableFuture().get(30, TimeUnit.SECONDS);
        redis.dropNamespace(TILE_ENV).toCompletableFuture().get(30, TimeUnit.SECONDS);
        redis.close();
        blocking.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void send(Object... rows) throws Exception {
        ingestIn(ENV, List.of(rows));
    }

    static Map<String, Object> txn(long id, Long user, Double amount, String ts, String observed) {
        Map<String, Object> row = new HashMap<>();
        row.put("transaction.id", id);
        row.put("transaction.user_id", user);
        row.put("transaction.amount", amount);
        row.put("transaction.ts", ts);
        row.put(IngestRequest.TIMESTAMP, observed);
        return row;
    }

    static Map<String, Object> query(long user, Instant now) throws Exception {
        return query(
                ENV,
                user,
                now,
                List.of(
                        "user.txn_count[1h]",
                        "user.txn_count[1d]",
                        "user.spend[1h]",
                        "user.spend[1d]",
                        "user.biggest[1h]",
                        "user.biggest[1d]"));
    }

    static Map<String, Object> query(String environment, long user, Instant now, List<String> outputs)
            throws Exception {
        QueryAnswer answer = new OnlineQueryService(
                        state, executor, QueryLimits.DEFAULTS, Clock.fixed(now, ZoneOffset.UTC))
                .queryBulk(
                        environment,
                        new OnlineQueryRequest(
                                Map.of("user.id", List.of(user)), outputs, Map.of(), null, false, false, null))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        Map<String, Object> out = new HashMap<>();
        for (FeatureValue v : answer.rows().getFirst()) {
            assertThat(v.error()).as(v.feature().toString()).isNull();
            out.put(v.feature().name(), v.value());
        }
        return out;
    }

    @Test
    void windowsAreWholeBucketsAndCorrectionsCountOnce() throws Exception {
        send(
                txn(1, 7L, 10.0, "2026-06-01T10:05:00Z", "2026-06-01T10:05:00Z"), // current bucket
                txn(2, 7L, 20.0, "2026-06-01T10:59:59Z", "2026-06-01T10:00:00Z"), // after T, current bucket: counts
                txn(3, 7L, 5.0, "2026-06-01T09:40:00Z", "2026-06-01T09:40:00Z"), // in (T − 1h, T], previous bucket
                txn(4, 7L, -3.0, "2026-05-31T11:00:00Z", "2026-06-01T10:10:00Z"), // late; first bucket of 1d
                txn(5, 7L, 100.0, "2026-05-31T10:59:00Z", "2026-05-31T10:59:00Z")); // in (T − 1d, T], bucket before
        Map<String, Object> v = query(7, T);
        assertThat(v)
                .containsEntry("txn_count[1h]", 2L)
                .containsEntry("txn_count[1d]", 4L)
                .containsEntry("spend[1h]", 30.0)
                .containsEntry("spend[1d]", 35.0)
                .containsEntry("biggest[1h]", 20.0)
                .containsEntry("biggest[1d]", 20.0);
        // corrections: row 2 moves to user 8, row 1 gets a new amount, row 3 is deleted (null time)
        send(
                txn(2, 8L, 20.0, "2026-06-01T10:59:59Z", "2026-06-01T10:20:00Z"),
                txn(1, 7L, 1.5, "2026-06-01T10:05:00Z", "2026-06-01T10:20:00Z"),
                txn(3, 7L, 5.0, null, "2026-06-01T10:20:00Z"));
        v = query(7, T);
        assertThat(v)
                .containsEntry("txn_count[1h]", 1L)
                .containsEntry("txn_count[1d]", 2L)
                .containsEntry("spend[1h]", 1.5)
                .containsEntry("spend[1d]", 1.5)
                .containsEntry("biggest[1h]", 1.5)
                .containsEntry("biggest[1d]", 1.5);
        assertThat(query(8, T)).containsEntry("txn_count[1h]", 1L).containsEntry("biggest[1d]", 20.0);
        // an older re-ingest does not undo a newer one
        send(txn(1, 7L, 99.0, "2026-06-01T10:05:00Z", "2026-06-01T10:06:00Z"));
        assertThat(query(7, T)).containsEntry("biggest[1h]", 1.5);
        // the same answer from cached states as from contributions
        assertThat(query(7, T)).isEqualTo(v);
        // a partial re-ingest (the amount only) keeps the rest of the row
        send(Map.of("transaction.id", 1L, "transaction.amount", 2.5, IngestRequest.TIMESTAMP, "2026-06-01T10:25:00Z"));
        assertThat(query(7, T)).containsEntry("spend[1h]", 2.5).containsEntry("txn_count[1h]", 1L);

        // every bucket and row record gone: a backfill from the offline store gives the same answers, twice
        Map<String, Object> seven = query(7, T);
        Map<String, Object> eight = query(8, T);
        redis.dropNamespace(ENV).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(query(7, T)).containsEntry("txn_count[1d]", 0L);
        AggregateBackfillService backfill =
                new AggregateBackfillService(state, redis, offline, Clock.fixed(T, ZoneOffset.UTC));
        for (int run = 0; run < 2; run++) {
            for (String aggregation : List.of("user.txn_count", "user.spend[1h]", "user.biggest")) {
                AggregateBackfillService.Result r =
                        backfill.backfill(ENV, aggregation, Optional.empty(), Optional.empty());
                assertThat(r.rows()).as(aggregation).isEqualTo(5);
            }
            assertThat(query(7, T)).as("run " + run).isEqualTo(seven);
            assertThat(query(8, T)).as("run " + run).isEqualTo(eight);
        }
        // a backfill from a later time rebuilds only the rows from then on
        redis.dropNamespace(ENV).toCompletableFuture().get(30, TimeUnit.SECONDS);
        backfill.backfill(ENV, "user.txn_count", Optional.of(Instant.parse("2026-06-01T10:00:00Z")), Optional.empty());
        assertThat(query(7, T)).containsEntry("txn_count[1h]", 1L).containsEntry("txn_count[1d]", 1L);
    }

    @Test
    void partialStatesSurviveTheirBytes() {
        FeatureGraph graph = state.snapshot(ENV).orElseThrow().deployment().graph();
        for (AggregateFunction f : AggregateFunction.values()) {
            FeatureType type = f == AggregateFunction.COUNT_DISTINCT || f == AggregateFunction.APPROX_COUNT_DISTINCT
                    ? FeatureType.Scalar.INT
                    : FeatureType.Scalar.FLOAT;
            AggregateState s = new AggregateState(f, type, 0.9);
            assertThat(AggregateState.fromBytes(f, type, 0.9, s.toBytes()).result())
                    .as(f.spelling())
                    .isEqualTo(s.result());
            for (int i = 0; i < 50; i++) {
                Object value = f == AggregateFunction.COUNT_DISTINCT || f == AggregateFunction.APPROX_COUNT_DISTINCT
                        ? (Object) ("m" + (i % 13))
                        : (Object) (i * 1.25 - 7);
                s.add(T.plusSeconds(i % 7), value);
            }
            assertThat(AggregateState.fromBytes(f, type, 0.9, s.toBytes()).result())
                    .as(f.spelling())
                    .isEqualTo(s.result());
        }
        assertThat(graph.aggregations().values().stream().filter(a -> BucketedAggregations.materialized(graph, a)))
                .extracting(AggregationNode::id)
                .hasSize(3);
    }

    /**
     * A bucket of more than 200 values keeps a compacted KLL sketch: the first read (rebuilt from the contributions)
     * and the next ones (the cached state) answer the same, within KLL's rank error of the exact value; the HLL
     * estimate equals one sketch's over all values; a cached state of format 1 is read as it is.
     */
    @Test
    void sketchBucketsAreCachedSerializedAndReadInTheFormerFormatToo() throws Exception {
        Random r = new Random(11);
        List<String> outputs = List.of("user.p90[1h]", "user.p90[1d]", "user.uniq[1h]", "user.uniq[1d]");
        List<Object> rows = new ArrayList<>();
        Map<Long, Map<String, Object>> firsts = new HashMap<>();
        // users 21 to 28: 450 rows each in the bucket of T (10:00), 150 in the one before; several users, so that a
        // first read that answered from the rows instead of its cached sketch would show in at least one of them
        for (long user = 21; user <= 28; user++) {
            rows.clear();
            List<Double> current = new ArrayList<>();
            List<Double> day = new ArrayList<>();
            HllSketch oneHour = new HllSketch(AggregateState.HLL_LG_K);
            HllSketch oneDay = new HllSketch(AggregateState.HLL_LG_K);
            for (int i = 0; i < 600; i++) {
                Instant ts = i < 450
                        ? Instant.parse("2026-06-01T10:00:00Z").plusSeconds(i * 4L)
                        : Instant.parse("2026-06-01T09:00:00Z").plusSeconds(i);
                double amount = Math.round(r.nextGaussian() * 4_000) / 100.0;
                String merchant = "m" + r.nextInt(900);
                Map<String, Object> row = txn(user * 1_000 + i, user, amount, ts.toString(), ts.toString());
                row.put("transaction.merchant", merchant);
                rows.add(row);
                (i < 450 ? current : day).add(amount);
                if (i < 450) {
                    oneHour.update(merchant);
                }
                oneDay.update(merchant);
            }
            day.addAll(current);
            ingestIn(SKETCH_ENV, rows);
            Map<String, Object> first = query(SKETCH_ENV, user, T, outputs);
            AggregateStateSketchTest.assertWithinRankError(first.get("p90[1h]"), current, "p90[1h] of " + user);
            AggregateStateSketchTest.assertWithinRankError(first.get("p90[1d]"), day, "p90[1d] of " + user);
            assertThat(first)
                    .containsEntry("uniq[1h]", Math.round(oneHour.getCompositeEstimate()))
                    .containsEntry("uniq[1d]", Math.round(oneDay.getCompositeEstimate()));
            firsts.put(user, first);
        }
        for (int run = 0; run < 2; run++) {
            for (long user = 21; user <= 28; user++) {
                assertThat(query(SKETCH_ENV, user, T, outputs))
                        .as("cached, user %d, run %d", user, run)
                        .isEqualTo(firsts.get(user));
            }
        }
        Map<String, Object> first = firsts.get(28L);

        // a cached state of format 1 (every value, the distinct values) is used as it is (user 28, whose rows are in
        // rows)
        FeatureGraph graph =
                state.snapshot(SKETCH_ENV).orElseThrow().deployment().graph();
        long previous = BucketedAggregations.bucketOf(Instant.parse("2026-06-01T09:00:00Z"), Duration.ofHours(1));
        List<AggregateBuckets.StateSave> saves = new ArrayList<>();
        for (String name : List.of("p90", "uniq")) {
            AggregationNode a = graph.aggregations().values().stream()
                    .filter(x -> x.id().name().equals(name))
                    .findFirst()
                    .orElseThrow();
            AggregateBuckets.Aggregation ref = BucketedAggregations.ref(SKETCH_ENV, a);
            AggregateBuckets.Bucket bucket = redis.buckets()
                    .orElseThrow()
                    .read(List.of(List.of(new AggregateBuckets.BucketRange(ref, 28L, previous, previous))))
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS)
                    .getFirst()
                    .getFirst()
                    .getFirst();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(1);
                out.writeLong(150);
                if (name.equals("p90")) {
                    for (int i = 0; i < 150; i++) {
                        out.writeDouble(10_000 + i); // above every value of the bucket of T
                    }
                } else {
                    out.writeInt(150);
                    for (int i = 0; i < 150; i++) {
                        TaggedValues.write(out, "old" + i);
                    }
                }
            }
            saves.add(new AggregateBuckets.StateSave(ref, 28L, previous, bucket.generation(), bytes.toByteArray()));
        }
        redis.buckets().orElseThrow().saveStates(saves).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Map<String, Object> old = query(SKETCH_ENV, 28, T, outputs);
        assertThat(old.get("p90[1h]")).isEqualTo(first.get("p90[1h]"));
        // 600 values, the 150 largest 10,000 to 10,149: rank 540 is the 90th of them
        assertThat(old.get("p90[1d]")).isEqualTo(10_089.0);
        HllSketch withOld = new HllSketch(AggregateState.HLL_LG_K);
        rows.stream().limit(450).forEach(x -> withOld.update((String) ((Map<?, ?>) x).get("transaction.merchant")));
        for (int i = 0; i < 150; i++) {
            withOld.update("old" + i);
        }
        assertThat(old.get("uniq[1d]")).isEqualTo(Math.round(withOld.getCompositeEstimate()));
    }

    @Test
    void longWindowsReadWholeDayTilesThatEveryChangeOfTheirBucketsDrops() throws Exception {
        // user 9: one row per hour over four days before T, amount = hour of the day + 1
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant start = Instant.parse("2026-05-28T10:30:00Z");
        for (int h = 0; h < 4 * 24; h++) {
            Instant ts = start.plus(Duration.ofHours(h));
            rows.add(txn(
                    1000 + h, 9L, (double) (ts.atZone(ZoneOffset.UTC).getHour() + 1), ts.toString(), ts.toString()));
        }
        ingestIn(TILE_ENV, rows);
        List<String> outputs =
                List.of("user.txn_count[3d]", "user.spend[3d]", "user.biggest[3d]", "user.txn_count[1h]");
        Map<String, Object> expected = bruteForce(rows, T);
        assertThat(query(TILE_ENV, 9, T, outputs)).isEqualTo(expected);
        // the first read cached the two whole days inside (T − 3d, T] as tiles: 2026-05-30 and 2026-05-31
        assertThat(cachedTiles()).hasSize(2 * 3);
        assertThat(query(TILE_ENV, 9, T, outputs)).isEqualTo(expected);

        // a correction inside a cached tile, a late row and a deletion: each drops its tile's state
        List<Map<String, Object>> changes = List.of(
                txn(1000 + 50, 9L, 500.0, rows.get(50).get("transaction.ts").toString(), "2026-06-01T10:10:00Z"),
                txn(5000, 9L, 7.0, "2026-05-31T23:59:59Z", "2026-06-01T10:11:00Z"),
                txn(1000 + 40, 9L, 1.0, null, "2026-06-01T10:12:00Z"));
        ingestIn(TILE_ENV, changes);
        List<Map<String, Object>> after = new ArrayList<>(rows);
        after.set(50, changes.get(0));
        after.add(changes.get(1));
        after.set(40, changes.get(2));
        Map<String, Object> changed = bruteForce(after, T);
        assertThat(changed).isNotEqualTo(expected);
        assertThat(query(TILE_ENV, 9, T, outputs)).isEqualTo(changed);
        assertThat(query(TILE_ENV, 9, T, outputs)).isEqualTo(changed);
    }

    /** count, sum of positive amounts, max over (T − 3d, T] on whole buckets, and count over (T − 1h, T]. */
    private static Map<String, Object> bruteForce(List<Map<String, Object>> rows, Instant now) {
        Duration hour = Duration.ofHours(1);
        Instant from3d = BucketedAggregations.windowStart(now, Duration.ofDays(3), hour);
        Instant from1h = BucketedAggregations.windowStart(now, hour, hour);
        Instant to = BucketedAggregations.bucketStart(BucketedAggregations.bucketOf(now, hour) + 1, hour);
        long count3d = 0;
        long count1h = 0;
        double sum = 0;
        Double max = null;
        for (Map<String, Object> r : rows) {
            Object ts = r.get("transaction.ts");
            if (ts == null) {
                continue;
            }
            Instant t = Instant.parse(ts.toString());
            double amount = (Double) r.get("transaction.amount");
            if (!t.isBefore(from3d) && t.isBefore(to)) {
                count3d++;
                sum += amount > 0.0 ? amount : 0.0;
                max = max == null ? amount : Math.max(max, amount);
            }
            if (!t.isBefore(from1h) && t.isBefore(to)) {
                count1h++;
            }
        }
        Map<String, Object> out = new HashMap<>();
        out.put("txn_count[3d]", count3d);
        out.put("spend[3d]", sum);
        out.put("biggest[3d]", max);
        out.put("txn_count[1h]", count1h);
        return out;
    }

    /** The tiles of the tile environment that hold a cached state. */
    private static List<String> cachedTiles() throws Exception {
        Redis client = Redis.createClient(vertx, TestServers.redisUrl());
        try {
            Response keys = client.send(Request.cmd(Command.KEYS).arg(PREFIX + ":" + TILE_ENV + ":*:t24:*"))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            List<String> cached = new ArrayList<>();
            for (Response key : keys) {
                Response state = client.send(
                                Request.cmd(Command.HGET).arg(key.toString()).arg("~s"))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                if (state != null) {
                    cached.add(key.toString());
                }
            }
            return cached;
        } finally {
            client.close();
        }
    }

    static void ingestIn(String environment, List<?> rows) throws Exception {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Object r : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) r;
            list.add(m);
        }
        ingest.ingest(environment, new IngestRequest(list, true, true))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }
}
