package dev.slate.serving.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.query.FeatureValue;
import dev.slate.serving.engine.query.OnlineQueryRequest;
import dev.slate.serving.engine.query.OnlineQueryService;
import dev.slate.serving.engine.query.QueryAnswer;
import dev.slate.serving.engine.query.QueryLimits;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.source.postgres.PostgresResolverRunner;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.offline.ObservedValue;
import dev.slate.storage.spi.offline.Provenance;
import dev.slate.storage.testing.InMemoryOfflineStore;
import dev.slate.storage.testing.InMemoryOnlineStore;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential check of docs/specs/aggregations.md: a generated history of 100,000 related rows — random event times
 * over 40 days, duplicates exactly on every window edge, late rows (observed hours or days after their event time),
 * corrections by re-ingest (another amount, merchant or user, at the same observation time as the row or later),
 * deletes (re-ingested with a null event time), and writes after the query time that must not count. For every
 * function and window:
 * <ul>
 *   <li>at T, the online pushdown answer (PostgreSQL holding the rows as they are at T) equals the offline answer
 *       (an offline query job over the same history in the reference offline store) and a brute-force oracle over
 *       (T − w, T];</li>
 *   <li>at 300 more spine times, the offline answer equals the oracle over the rows as they were known at each time.</li>
 * </ul>
 * The oracle is written here without the engine's aggregation code. Seeded: every run generates the same history.
 */
class AggregationDifferentialTest {
    static final String URL = TestServers.postgres().url();
    static final String SCHEMA =
            "aggdiff_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final String ENV = "prod";
    static final int USERS = 12;
    static final int ROWS = 100_000;
    static final Instant T = Instant.parse("2026-06-01T00:00:00Z");
    static final List<Duration> WINDOWS =
            List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30));
    static final List<String> WINDOW_NAMES = List.of("1h", "1d", "7d", "30d");
    static final List<String> FUNCTIONS = List.of(
            "count",
            "sum",
            "mean",
            "min",
            "max",
            "stddev",
            "count_distinct",
            "approx_count_distinct",
            "approx_percentile",
            "first",
            "last",
            "positive_sum");
    static final int SPINE_TIMES = 300;

    /** One write of one transaction: every feature at {@code observedAt}; {@code ts} null deletes it. */
    record Write(long id, long user, Double amount, String merchant, Instant ts, Instant observedAt, long seq) {}

    @TempDir
    static Path tmp;

    static Vertx vertx;
    static Pool admin;
    static PostgresResolverRunner runner;
    static ServingState state;
    static InMemoryOfflineStore store;
    static JobsSchema jobs;
    static final List<Write> WRITES = new ArrayList<>();
    static final Map<Long, List<Write>> BY_ID = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        admin = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1))
                .connectingTo(PgConnectOptions.fromUri(URL)
                        .setUser(TestServers.postgres().user()))
                .using(vertx)
                .build();
        Random r = new Random(20261207L);
        List<Instant> edges = new ArrayList<>();
        edges.add(T);
        for (Duration w : WINDOWS) {
            edges.add(T.minus(w));
            edges.add(T.minus(w).plusNanos(1_000));
            edges.add(T.minus(w).minusNanos(1_000));
        }
        long seq = 0;
        for (int i = 0; i < ROWS; i++) {
            long id = i + 1;
            long user = 1 + r.nextInt(USERS);
            Instant ts = r.nextInt(10) == 0
                    ? edges.get(r.nextInt(edges.size()))
                    : T.minus(Duration.ofDays(37)).plusMillis((long)
                            (r.nextDouble() * Duration.ofDays(40).toMillis()));
            Double amount = r.nextInt(50) == 0 ? null : Math.round((r.nextDouble() * 300 - 20) * 100) / 100.0;
            String merchant = "m" + r.nextInt(40);
            // most rows are written when they happen; one in five late, by up to two days
            Instant observed = r.nextInt(5) == 0 ? ts.plusSeconds(r.nextInt(2 * 86_400)) : ts;
            add(new Write(id, user, amount, merchant, ts, observed, seq++));
        }
        // corrections and deletes by re-ingest, some at the same observation time (the later write wins), some later
        for (int i = 0; i < ROWS; i += 7) {
            Write x = WRITES.get(i);
            Instant at = r.nextBoolean() ? x.observedAt() : x.observedAt().plusSeconds(r.nextInt(3 * 86_400));
            add(
                    switch (r.nextInt(4)) {
                        case 0 ->
                            new Write(
                                    x.id(),
                                    x.user(),
                                    x.amount() == null ? 1.25 : -x.amount(),
                                    x.merchant(),
                                    x.ts(),
                                    at,
                                    seq++);
                        case 1 ->
                            new Write(
                                    x.id(), 1 + (x.user() % USERS), x.amount(), "m" + r.nextInt(40), x.ts(), at, seq++);
                        case 2 -> new Write(x.id(), x.user(), x.amount(), x.merchant(), null, at, seq++); // deleted
                        default ->
                            new Write(
                                    x.id(),
                                    x.user(),
                                    x.amount(),
                                    x.merchant(),
                                    x.ts().minusSeconds(r.nextInt(7200)),
                                    at,
                                    seq++);
                    });
        }
        StringBuilder aggregations = new StringBuilder();
        for (String fn : FUNCTIONS) {
            String function = fn.equals("positive_sum") ? "sum" : fn;
            String of = fn.equals("count") ? "" : fn.contains("count_distinct") ? ", of: merchant" : ", of: amount";
            aggregations
                    .append("      a_")
                    .append(fn)
                    .append(": {aggregate: ")
                    .append(function)
                    .append(of)
                    .append(fn.equals("approx_percentile") ? ", percentile: 0.9" : "")
                    .append(fn.equals("positive_sum") ? ", where: \"amount > 0.0\"" : "")
                    .append(", over: transactions, windows: [1h, 1d, 7d, 30d]}\n");
        }
        String project = """
                project: aggdiff
                sources:
                  db: {kind: postgres, url: "%s", username: postgres}
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      transactions: {has_many: transaction, foreign_key: user_id}
                %s
                  transaction:
                    key: id
                    time: ts
                    features:
                      id: int
                      user_id: {type: int, ingested: true}
                      amount: {type: float, ingested: true}
                      merchant: {type: string, ingested: true}
                      ts: {type: datetime, ingested: true}
                resolvers:
                  - name: txns
                    source: db
                    resolves: transaction
                    many: true
                    timeout: 60s
                    sql: SELECT id, user_id, amount, merchant, ts FROM %s.transactions WHERE user_id = :user_id
                """.formatted(URL, aggregations.toString().stripTrailing(), SCHEMA);
        state = new ServingState();
        state.install(new ActiveDeployment(ENV, "d1", 1, ProjectCompiler.compile(Map.of("slate.yaml", project)), T));
        runner = new PostgresResolverRunner(vertx, text -> text);

        // the offline store: every write, in write order; the source table: each row as it is at T
        store = new InMemoryOfflineStore();
        List<ObservedValue> batch = new ArrayList<>();
        for (Write w : WRITES) {
            EntityRef ref = new EntityRef(ENV, "transaction", w.id());
            batch.add(ObservedValue.of(
                    ref, slot("transaction.user_id"), w.user(), w.observedAt(), Provenance.ingested()));
            batch.add(ObservedValue.of(
                    ref, slot("transaction.amount"), w.amount(), w.observedAt(), Provenance.ingested()));
            batch.add(ObservedValue.of(
                    ref, slot("transaction.merchant"), w.merchant(), w.observedAt(), Provenance.ingested()));
            batch.add(ObservedValue.of(ref, slot("transaction.ts"), w.ts(), w.observedAt(), Provenance.ingested()));
        }
        store.append(batch);
        sql("CREATE SCHEMA " + SCHEMA);
        sql(
                "CREATE TABLE " + SCHEMA
                        + ".transactions (id bigint PRIMARY KEY, user_id bigint, amount float8, merchant text, ts timestamptz)");
        List<Write> atT = new ArrayList<>();
        for (List<Write> versions : BY_ID.values()) {
            Write current = asOf(versions, T);
            if (current != null && current.ts() != null) {
                atT.add(current);
            }
        }
        for (int from = 0; from < atT.size(); from += 20_000) {
            List<Write> chunk = atT.subList(from, Math.min(atT.size(), from + 20_000));
            admin.preparedQuery(
                            "INSERT INTO " + SCHEMA
                                    + ".transactions SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::text[], $5::timestamptz[])")
                    .execute(Tuple.of(
                            chunk.stream().map(Write::id).toArray(Long[]::new),
                            chunk.stream().map(Write::user).toArray(Long[]::new),
                            chunk.stream().map(Write::amount).toArray(Double[]::new),
                            chunk.stream().map(Write::merchant).toArray(String[]::new),
                            chunk.stream()
                                    .map(x -> x.ts().atOffset(ZoneOffset.UTC))
                                    .toArray(OffsetDateTime[]::new)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
        }
        jobs = JobsSchema.create("aggdiff_");
    }

    static void add(Write w) {
        WRITES.add(w);
        BY_ID.computeIfAbsent(w.id(), k -> new ArrayList<>()).add(w);
    }

    static FeatureSlot slot(String feature) {
        FeatureNode node = state.snapshot(ENV).orElseThrow().feature(feature);
        return new FeatureSlot(node.id().name(), node.version(), node.type());
    }

    /** The write of a row that holds at {@code t}: the latest observed at or before t, of equal times the later write. */
    static Write asOf(List<Write> versions, Instant t) {
        Write best = null;
        for (Write w : versions) {
            if (!w.observedAt().isAfter(t) && (best == null || !w.observedAt().isBefore(best.observedAt()))) {
                best = w;
            }
        }
        return best;
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            admin.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (jobs != null) {
            jobs.drop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void sql(String statement) throws Exception {
        admin.query(statement)
                .execute()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    static List<String> outputs() {
        List<String> outputs = new ArrayList<>();
        for (String fn : FUNCTIONS) {
            for (String w : WINDOW_NAMES) {
                outputs.add("user.a_" + fn + "[" + w + "]");
            }
        }
        return outputs;
    }

    @Test
    void onlinePushdownOfflineAndTheOracleAgreeForEveryFunctionAndWindow() throws Exception {
        assertThat(WRITES.size()).isGreaterThanOrEqualTo(ROWS);
        List<String> outputs = outputs();
        // online at T
        OnlineQueryService online = new OnlineQueryService(
                state,
                new PlanExecutor(new InMemoryOnlineStore(), runner, QueryObserver.NONE, Duration.ofSeconds(2)),
                QueryLimits.DEFAULTS,
                Clock.fixed(T, ZoneOffset.UTC));
        List<Object> users = new ArrayList<>();
        for (long u = 1; u <= USERS; u++) {
            users.add(u);
        }
        QueryAnswer answer = online.queryBulk(
                        ENV,
                        new OnlineQueryRequest(Map.of("user.id", users), outputs, Map.of(), null, false, false, null))
                .toCompletableFuture()
                .get(120, TimeUnit.SECONDS);

        // offline: every user at T, then random (user, time) rows across the history
        Random r = new Random(7L);
        List<Long> spineUsers = new ArrayList<>();
        List<Instant> spineTimes = new ArrayList<>();
        for (long u = 1; u <= USERS; u++) {
            spineUsers.add(u);
            spineTimes.add(T);
        }
        for (int i = 0; i < SPINE_TIMES; i++) {
            spineUsers.add(1L + r.nextInt(USERS));
            spineTimes.add(T.minus(Duration.ofDays(36))
                    .plusMillis((long) (r.nextDouble() * Duration.ofDays(38).toMillis())));
        }
        long started = System.nanoTime();
        JsonNode offline = offline(spineUsers, spineTimes, outputs);
        long offlineMillis = (System.nanoTime() - started) / 1_000_000;

        int compared = 0;
        for (int u = 0; u < USERS; u++) {
            Map<String, FeatureValue> got = new HashMap<>();
            answer.rows().get(u).forEach(v -> got.put(v.feature().qualified(), v));
            for (String fn : FUNCTIONS) {
                for (int w = 0; w < WINDOWS.size(); w++) {
                    String name = "user.a_" + fn + "[" + WINDOW_NAMES.get(w) + "]";
                    FeatureValue v = got.get(name);
                    String what = name + " user " + (u + 1) + " at " + T;
                    assertThat(v.error()).as(what).isNull();
                    Object off = read(fn, offline.get(u).get(name));
                    assertThat(off).as("offline == online pushdown: " + what).isEqualTo(v.value());
                    check(fn, v.value(), oracle(fn, u + 1, T, WINDOWS.get(w)), "online == oracle: " + what);
                    compared++;
                }
            }
        }
        for (int i = 0; i < spineUsers.size(); i++) {
            for (String fn : FUNCTIONS) {
                for (int w = 0; w < WINDOWS.size(); w++) {
                    String name = "user.a_" + fn + "[" + WINDOW_NAMES.get(w) + "]";
                    check(
                            fn,
                            read(fn, offline.get(i).get(name)),
                            oracle(fn, spineUsers.get(i), spineTimes.get(i), WINDOWS.get(w)),
                            "offline == oracle: " + name + " user " + spineUsers.get(i) + " at " + spineTimes.get(i));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo((USERS + spineUsers.size()) * FUNCTIONS.size() * WINDOWS.size());
        System.out.printf(
                "aggregation differential: %d writes of %d rows, %d spine rows x %d outputs offline in %d ms%n",
                WRITES.size(), ROWS, spineUsers.size(), outputs.size(), offlineMillis);
    }

    private JsonNode offline(List<Long> users, List<Instant> times, List<String> outputs) throws Exception {
        try (OfflineQueryService service = new OfflineQueryService(
                state,
                store,
                new OfflineJobRepository(jobs.dataSource()),
                OfflineQueryConfig.of(tmp.resolve("jobs"), 100_000, 1, 10),
                Clock.systemUTC())) {
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("user.id", users);
            OfflineJob submitted = service.submit(
                    ENV,
                    new OfflineQueryRequest(
                            inputs,
                            new ArrayList<>(
                                    times.stream().map(Instant::toString).toList()),
                            outputs,
                            null,
                            Optional.empty()));
            OfflineJob job = Awaitility.await("job finishes")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> service.get(ENV, submitted.id()),
                            j -> j.status().finished());
            assertThat(job.status()).as(job.error().orElse("")).isEqualTo(JobStatus.SUCCEEDED);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            service.writeJson(service.result(ENV, job.id()), out);
            JsonNode result = new ObjectMapper().readTree(out.toByteArray());
            assertThat(result.get("feature_errors").isNull())
                    .as(result.get("feature_errors").toString())
                    .isTrue();
            return result.get("rows");
        }
    }

    /** A JSON result value as the engine holds it. */
    static Object read(String fn, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return switch (fn) {
            case "count", "count_distinct", "approx_count_distinct" -> v.asLong();
            default -> v.asDouble();
        };
    }

    static void check(String fn, Object actual, Object expected, String what) {
        if (expected == null) {
            assertThat(actual).as(what).isNull();
            return;
        }
        switch (fn) {
            case "stddev" ->
                assertThat((Double) actual)
                        .as(what)
                        .isCloseTo((Double) expected, within(1e-9 * Math.max(1.0, (Double) expected)));
            case "approx_count_distinct" ->
                assertThat((Long) actual)
                        .as(what)
                        .isCloseTo((Long) expected, within(Math.max(1L, (Long) expected / 20)));
            default -> assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    static final Map<String, List<Write>> KNOWN = new HashMap<>();
    static final Map<String, List<Write>> IN_WINDOW = new HashMap<>();

    /** Brute force over the writes: the rows of the user as known at t, with event time in (t − w, t]. */
    static Object oracle(String fn, long user, Instant t, Duration w) {
        List<Write> known = KNOWN.computeIfAbsent(user + "@" + t, k -> {
            List<Write> rows = new ArrayList<>();
            for (List<Write> versions : BY_ID.values()) {
                Write x = asOf(versions, t);
                if (x != null && x.user() == user && x.ts() != null && !x.ts().isAfter(t)) {
                    rows.add(x);
                }
            }
            return rows;
        });
        List<Write> in = IN_WINDOW.computeIfAbsent(
                user + "@" + t + "@" + w,
                k -> known.stream().filter(x -> x.ts().isAfter(t.minus(w))).toList());
        if (fn.equals("count")) {
            return (long) in.size();
        }
        if (fn.equals("count_distinct") || fn.equals("approx_count_distinct")) {
            return in.isEmpty()
                    ? null
                    : (long) new HashSet<>(in.stream().map(Write::merchant).toList()).size();
        }
        List<Write> valued = in.stream()
                .filter(x -> x.amount() != null && (!fn.equals("positive_sum") || x.amount() > 0.0))
                .toList();
        if (valued.isEmpty()) {
            return null;
        }
        BigDecimal sum =
                valued.stream().map(x -> BigDecimal.valueOf(x.amount())).reduce(BigDecimal.ZERO, BigDecimal::add);
        int n = valued.size();
        return switch (fn) {
            case "sum", "positive_sum" -> sum.doubleValue();
            case "mean" ->
                sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
            case "min" -> valued.stream().mapToDouble(Write::amount).min().orElseThrow();
            case "max" -> valued.stream().mapToDouble(Write::amount).max().orElseThrow();
            case "stddev" -> {
                if (n < 2) {
                    yield null;
                }
                double mean = sum.doubleValue() / n;
                yield Math.sqrt(valued.stream()
                                .mapToDouble(x -> (x.amount() - mean) * (x.amount() - mean))
                                .sum()
                        / (n - 1));
            }
            case "approx_percentile" -> {
                double[] sorted =
                        valued.stream().mapToDouble(Write::amount).sorted().toArray();
                int rank = new BigDecimal("0.9")
                        .multiply(BigDecimal.valueOf(n))
                        .setScale(0, RoundingMode.CEILING)
                        .intValueExact();
                yield sorted[Math.max(1, rank) - 1];
            }
            case "first" ->
                valued.stream()
                        .min(Comparator.comparing(Write::ts).thenComparing(Write::amount))
                        .orElseThrow()
                        .amount();
            case "last" ->
                valued.stream()
                        .max(Comparator.comparing(Write::ts).thenComparing(Write::amount))
                        .orElseThrow()
                        .amount();
            default -> throw new IllegalArgumentException(fn);
        };
    }
}
