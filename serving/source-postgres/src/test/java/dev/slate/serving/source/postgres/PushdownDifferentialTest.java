package dev.slate.serving.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import dev.slate.storage.testing.InMemoryOnlineStore;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the pushdown mode on a generated history of 120,000 related rows in the machine's
 * real PostgreSQL: random times over 40 days, duplicates exactly on every window edge (T − w) and at T,
 * rows after T, null and negative amounts, and corrections (rows updated after loading). For every
 * function and window, at several query times, the answer equals a brute-force oracle over (T − w, T]
 * written here without the engine's aggregation code.
 */
class PushdownDifferentialTest {
    static final String URL = TestServers.postgres().url();
    static final String SCHEMA =
            "diff_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final int USERS = 12;
    static final int ROWS = 120_000;
    static final Instant BASE = Instant.parse("2026-06-01T00:00:00Z");
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
            "last");
    static final List<Instant> TIMES =
            List.of(BASE, BASE.plus(Duration.ofHours(5)).plusMillis(1), BASE.minus(Duration.ofDays(3)));

    static Vertx vertx;
    static Pool admin;
    static PostgresResolverRunner runner;
    static ServingState state;
    static final List<Row> HISTORY = new ArrayList<>();

    record Row(long id, long user, Double amount, String merchant, Instant ts) {}

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        admin = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1))
                .connectingTo(PgConnectOptions.fromUri(URL)
                        .setUser(TestServers.postgres().user()))
                .using(vertx)
                .build();
        sql("CREATE SCHEMA " + SCHEMA);
        sql(
                "CREATE TABLE " + SCHEMA
                        + ".transactions (id bigint PRIMARY KEY, user_id bigint, amount float8, merchant text, ts timestamptz)");
        Random r = new Random(20261206L);
        List<Instant> edges = new ArrayList<>();
        for (Instant t : TIMES) {
            edges.add(t);
            edges.add(t.plusMillis(1));
            for (Duration w : WINDOWS) {
                edges.add(t.minus(w));
                edges.add(t.minus(w).plusMillis(1));
            }
        }
        for (int i = 0; i < ROWS; i++) {
            long user = 1 + r.nextInt(USERS);
            Instant ts = r.nextInt(10) == 0
                    ? edges.get(r.nextInt(edges.size()))
                    : BASE.minus(Duration.ofDays(37)).plusMillis((long)
                            (r.nextDouble() * Duration.ofDays(40).toMillis()));
            Double amount = r.nextInt(50) == 0 ? null : Math.round((r.nextDouble() * 300 - 20) * 100) / 100.0;
            HISTORY.add(new Row(i + 1, user, amount, "m" + r.nextInt(40), ts));
        }
        for (int from = 0; from < ROWS; from += 20_000) {
            List<Row> chunk = HISTORY.subList(from, Math.min(ROWS, from + 20_000));
            admin.preparedQuery(
                            "INSERT INTO " + SCHEMA
                                    + ".transactions SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::text[], $5::timestamptz[])")
                    .execute(Tuple.of(
                            chunk.stream().map(Row::id).toArray(Long[]::new),
                            chunk.stream().map(Row::user).toArray(Long[]::new),
                            chunk.stream().map(Row::amount).toArray(Double[]::new),
                            chunk.stream().map(Row::merchant).toArray(String[]::new),
                            chunk.stream()
                                    .map(x -> x.ts().atOffset(ZoneOffset.UTC))
                                    .toArray(OffsetDateTime[]::new)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
        }
        // corrections after loading: every 97th row gets a new amount, every 89th moves to another user
        for (int i = 0; i < ROWS; i += 97) {
            Row x = HISTORY.get(i);
            HISTORY.set(i, new Row(x.id(), x.user(), x.amount() == null ? 1.25 : -x.amount(), x.merchant(), x.ts()));
        }
        for (int i = 0; i < ROWS; i += 89) {
            Row x = HISTORY.get(i);
            HISTORY.set(i, new Row(x.id(), 1 + (x.user() % USERS), x.amount(), x.merchant(), x.ts()));
        }
        List<Row> changed = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if (i % 97 == 0 || i % 89 == 0) {
                changed.add(HISTORY.get(i));
            }
        }
        admin.preparedQuery(
                        "UPDATE " + SCHEMA
                                + ".transactions t SET user_id = c.u, amount = c.a FROM unnest($1::bigint[], $2::bigint[], $3::float8[]) AS c(i, u, a) WHERE t.id = c.i")
                .execute(Tuple.of(
                        changed.stream().map(Row::id).toArray(Long[]::new),
                        changed.stream().map(Row::user).toArray(Long[]::new),
                        changed.stream().map(Row::amount).toArray(Double[]::new)))
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);

        StringBuilder aggregations = new StringBuilder();
        for (String fn : FUNCTIONS) {
            String of = fn.equals("count")
                    ? ""
                    : fn.equals("count_distinct") || fn.equals("approx_count_distinct")
                            ? ", of: merchant"
                            : ", of: amount";
            aggregations
                    .append("      a_")
                    .append(fn)
                    .append(": {aggregate: ")
                    .append(fn)
                    .append(of)
                    .append(fn.equals("approx_percentile") ? ", percentile: 0.9" : "")
                    .append(", over: transactions, windows: [1h, 1d, 7d, 30d]}\n");
        }
        String project = """
                project: diff
                sources:
                  db: {kind: postgres, url: "%s", username: %s}
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
                """.formatted(
                URL, TestServers.postgres().user(), aggregations.toString().stripTrailing(), SCHEMA);
        state = new ServingState();
        state.install(
                new ActiveDeployment("prod", "d1", 1, ProjectCompiler.compile(Map.of("slate.yaml", project)), BASE));
        runner = new PostgresResolverRunner(vertx, text -> text);
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
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void sql(String statement) throws Exception {
        admin.query(statement)
                .execute()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void everyFunctionAndWindowEqualsTheOracle() throws Exception {
        List<String> outputs = new ArrayList<>();
        for (String fn : FUNCTIONS) {
            for (String w : WINDOW_NAMES) {
                outputs.add("user.a_" + fn + "[" + w + "]");
            }
        }
        int compared = 0;
        for (Instant t : TIMES) {
            OnlineQueryService service = new OnlineQueryService(
                    state,
                    new PlanExecutor(new InMemoryOnlineStore(), runner, QueryObserver.NONE, Duration.ofSeconds(2)),
                    QueryLimits.DEFAULTS,
                    Clock.fixed(t, ZoneOffset.UTC));
            List<Object> users = new ArrayList<>();
            for (long u = 1; u <= USERS; u++) {
                users.add(u);
            }
            QueryAnswer a = service.queryBulk(
                            "prod",
                            new OnlineQueryRequest(
                                    Map.of("user.id", users), outputs, Map.of(), null, false, false, null))
                    .toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
            for (int u = 0; u < USERS; u++) {
                long user = u + 1;
                Map<String, FeatureValue> got = new HashMap<>();
                a.rows().get(u).forEach(v -> got.put(v.feature().qualified(), v));
                for (String fn : FUNCTIONS) {
                    for (int w = 0; w < WINDOWS.size(); w++) {
                        FeatureValue v = got.get("user.a_" + fn + "[" + WINDOW_NAMES.get(w) + "]");
                        assertThat(v.error())
                                .as(v.feature() + " user " + user + " at " + t)
                                .isNull();
                        check(
                                fn,
                                v.value(),
                                oracle(fn, user, t, WINDOWS.get(w)),
                                fn + "[" + WINDOW_NAMES.get(w) + "] user " + user + " at " + t);
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(TIMES.size() * USERS * FUNCTIONS.size() * WINDOWS.size());
        assertThat(HISTORY).hasSizeGreaterThanOrEqualTo(100_000);
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
            case "approx_percentile" -> {
                @SuppressWarnings("unchecked")
                List<Double> sorted = (List<Double>) expected;
                double q = (Double) actual;
                long below = sorted.stream().filter(x -> x < q).count();
                // KLL k=200: normalized rank error well under 3%
                assertThat(Math.abs(below - 0.9 * sorted.size()))
                        .as(what)
                        .isLessThanOrEqualTo(0.03 * sorted.size() + 1);
            }
            default -> assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    /** Brute force over the history: rows of the user in (T − w, T]. Sketch functions return what the check needs. */
    static Object oracle(String fn, long user, Instant t, Duration w) {
        List<Row> in = HISTORY.stream()
                .filter(x -> x.user() == user && x.ts().isAfter(t.minus(w)) && !x.ts().isAfter(t))
                .toList();
        if (fn.equals("count")) {
            return (long) in.size();
        }
        if (fn.equals("count_distinct") || fn.equals("approx_count_distinct")) {
            return in.isEmpty()
                    ? null
                    : (long) new HashSet<>(in.stream().map(Row::merchant).toList()).size();
        }
        List<Row> valued = in.stream().filter(x -> x.amount() != null).toList();
        if (valued.isEmpty()) {
            return null;
        }
        BigDecimal sum =
                valued.stream().map(x -> BigDecimal.valueOf(x.amount())).reduce(BigDecimal.ZERO, BigDecimal::add);
        int n = valued.size();
        return switch (fn) {
            case "sum" -> sum.doubleValue();
            case "mean" ->
                sum.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
            case "min" -> valued.stream().mapToDouble(Row::amount).min().orElseThrow();
            case "max" -> valued.stream().mapToDouble(Row::amount).max().orElseThrow();
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
            case "approx_percentile" ->
                valued.stream().map(Row::amount).sorted().toList();
            case "first" ->
                valued.stream()
                        .min(Comparator.comparing(Row::ts).thenComparing(Row::amount))
                        .orElseThrow()
                        .amount();
            case "last" ->
                valued.stream()
                        .max(Comparator.comparing(Row::ts).thenComparing(Row::amount))
                        .orElseThrow()
                        .amount();
            default -> throw new IllegalArgumentException(fn);
        };
    }
}
