package dev.slate.serving.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.engine.aggregate.AggregatePartial;
import dev.slate.serving.engine.exec.AggregateQuery;
import dev.slate.serving.engine.exec.BatchedAnswer;
import dev.slate.serving.engine.exec.PlanExecutor;
import dev.slate.serving.engine.exec.QueryObserver;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.exec.RowsQuery;
import dev.slate.serving.engine.query.FeatureValue;
import dev.slate.serving.engine.query.OnlineQueryRequest;
import dev.slate.serving.engine.query.OnlineQueryService;
import dev.slate.serving.engine.query.QueryAnswer;
import dev.slate.serving.engine.query.QueryLimits;
import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.testing.InMemoryOnlineStore;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aggregates PostgreSQL computes in the pushdown statement ({@link PostgresAggregateStatement}) equal what Slate
 * computes from the same rows, value for value and error for error, on data chosen to split the two: NaN (which
 * PostgreSQL orders above every number), {@code -0.0} and {@code 0.0} (equal in PostgreSQL, ordered and distinct in
 * Java), infinities (a sum of one is a per-feature error), nulls, a {@code numeric} column read as a float, ties in
 * time, rows exactly on the window edges, and every {@code where} shape pushed into SQL. The reference is the same
 * runner with SQL aggregation switched off, so the rows path ({@code WindowAggregator}) computes every window.
 */
class SqlAggregatesAgreementTest {
    static final String URL = TestServers.postgres().url();
    static final String SCHEMA =
            "agg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final int USERS = 30;

    static Vertx vertx;
    static Pool admin;
    static PostgresResolverRunner runner;
    static ServingState state;
    static final List<String> OUTPUTS = new ArrayList<>();

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
        sql("CREATE TABLE " + SCHEMA
                + ".txn (id bigint PRIMARY KEY, user_id bigint, amount float8, exact numeric(14,4),"
                + " qty bigint, merchant text, flag boolean, ts timestamptz)");
        double[] floats = {
            Double.NaN, -0.0, 0.0, 0.1, 0.2, 0.30000000000000004, 1e-300, -7.25, 10.5, 10.5, 123456.789, 1e20, 2.5, -2.5
        };
        String[] merchants = {"m1", "m2", "M1", "é", "m1 ", "", "z"};
        Random r = new Random(20261207L);
        StringBuilder values = new StringBuilder();
        int id = 0;
        for (int user = 1; user <= USERS; user++) {
            int n = user == 1 ? 0 : 1 + r.nextInt(25); // user 1 has no rows
            for (int i = 0; i < n; i++) {
                id++;
                // times: on the 1h and 1d edges, at NOW, after NOW, and ties
                Instant ts = switch (r.nextInt(8)) {
                    case 0 -> NOW.minus(Duration.ofHours(1));
                    case 1 -> NOW.minus(Duration.ofDays(1));
                    case 2 -> NOW;
                    case 3 -> NOW.plusSeconds(1);
                    case 4 -> NOW.minus(Duration.ofMinutes(30));
                    default -> NOW.minusSeconds(r.nextInt(2 * 86_400));
                };
                String amount = r.nextInt(12) == 0 ? "NULL" : literal(floats[r.nextInt(floats.length)]);
                if (user == USERS && i == 0) {
                    amount = "'Infinity'"; // the last user's sums are a per-feature error
                    ts = NOW.minusSeconds(60);
                }
                String exact = r.nextInt(10) == 0 ? "NULL" : String.valueOf((r.nextInt(2_000_000) - 500_000) / 1000.0);
                String qty = r.nextInt(10) == 0 ? "NULL" : String.valueOf(r.nextInt(6) - 1);
                String merchant = r.nextInt(10) == 0 ? "NULL" : "'" + merchants[r.nextInt(merchants.length)] + "'";
                String flag = r.nextInt(10) == 0 ? "NULL" : String.valueOf(r.nextBoolean());
                values.append(values.isEmpty() ? "" : ",\n")
                        .append("(")
                        .append(id)
                        .append(", ")
                        .append(user)
                        .append(", ")
                        .append(amount)
                        .append("::float8, ")
                        .append(exact)
                        .append(", ")
                        .append(qty)
                        .append(", ")
                        .append(merchant)
                        .append(", ")
                        .append(flag)
                        .append(", '")
                        .append(ts)
                        .append("'::timestamptz)");
            }
        }
        sql("INSERT INTO " + SCHEMA + ".txn VALUES " + values);

        String[] wheres = {
            "",
            "amount > 0.0",
            "amount >= 0.0",
            "0.0 < amount",
            "amount < 10.5",
            "amount <= 10.5 && qty != 3",
            "amount == 10.5",
            "amount != 0.0",
            "qty >= 2",
            "merchant == 'm1'",
            "merchant != 'm1'",
            "flag == true",
            "flag != false && qty < 4",
            "amount > 1.0 || qty > 1", // not pushed: Slate filters the rows
        };
        String[][] functionsAndInputs = {
            {"count", ""},
            {"sum", "amount"},
            {"sum", "qty"},
            {"sum", "exact"},
            {"mean", "amount"},
            {"mean", "qty"},
            {"stddev", "amount"},
            {"stddev", "exact"},
            {"min", "amount"},
            {"max", "amount"},
            {"min", "qty"},
            {"max", "exact"},
            {"count_distinct", "amount"},
            {"count_distinct", "merchant"},
            {"count_distinct", "flag"},
            {"approx_percentile", "amount"},
            {"approx_percentile", "qty"},
            {"first", "amount"},
            {"last", "amount"},
            {"first", "qty"},
            {"last", "flag"},
            {"first", "ts"},
            {"last", "merchant"}, // not pushed: strings order by collation in SQL
            {"approx_count_distinct", "merchant"}, // not pushed: the sketch is Slate's
        };
        StringBuilder aggregations = new StringBuilder();
        int k = 0;
        for (String[] fi : functionsAndInputs) {
            for (String where : wheres) {
                String name = "a" + (k++);
                aggregations
                        .append("      ")
                        .append(name)
                        .append(": {aggregate: ")
                        .append(fi[0])
                        .append(fi[1].isEmpty() ? "" : ", of: " + fi[1])
                        .append(fi[0].equals("approx_percentile") ? ", percentile: 0.29" : "")
                        .append(", over: transactions, windows: [1h, 1d]")
                        .append(where.isEmpty() ? "" : ", where: \"" + where.replace("'", "\\\"") + "\"")
                        .append("}\n");
                OUTPUTS.add("user." + name + "[1h]");
                OUTPUTS.add("user." + name + "[1d]");
            }
        }
        String project = """
                project: agreement
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
                      exact: {type: float, ingested: true}
                      qty: {type: int, ingested: true}
                      merchant: {type: string, ingested: true}
                      flag: {type: bool, ingested: true}
                      ts: {type: datetime, ingested: true}
                resolvers:
                  - name: txns
                    source: db
                    resolves: transaction
                    many: true
                    timeout: 60s
                    sql: SELECT id, user_id, amount, exact, qty, merchant, flag, ts FROM %s.txn WHERE user_id = :user_id
                """.formatted(
                URL, TestServers.postgres().user(), aggregations.toString().stripTrailing(), SCHEMA);
        state = new ServingState();
        state.install(
                new ActiveDeployment("prod", "d1", 1, ProjectCompiler.compile(Map.of("slate.yaml", project)), NOW));
        runner = new PostgresResolverRunner(vertx, text -> text);
    }

    private static String literal(double d) {
        return Double.isNaN(d) ? "'NaN'" : "'" + d + "'";
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
    void sqlAggregatesEqualTheRowsPathValueForValueAndErrorForError() throws Exception {
        Counting inSql = new Counting(runner, true);
        Counting fromRows = new Counting(runner, false);
        QueryAnswer sql = query(inSql);
        QueryAnswer rows = query(fromRows);

        assertThat(inSql.aggregateStatements.get())
                .as("one aggregate statement per user with a key")
                .isEqualTo(USERS);
        assertThat(inSql.rowStatements.get())
                .as("the windows SQL cannot compute (|| where, last of a string, approx_count_distinct) list rows")
                .isEqualTo(USERS);
        assertThat(fromRows.aggregateStatements.get()).isZero();

        int compared = 0;
        int errors = 0;
        int nonNull = 0;
        for (int u = 0; u < USERS; u++) {
            Map<String, FeatureValue> expected = byName(rows.rows().get(u));
            for (FeatureValue got : sql.rows().get(u)) {
                String name = got.feature().qualified();
                FeatureValue want = expected.get(name);
                String what = name + " of user " + (u + 1);
                if (want.error() != null) {
                    errors++;
                    assertThat(got.error()).as(what).isNotNull();
                    assertThat(got.error().code())
                            .as(what)
                            .isEqualTo(want.error().code());
                    continue;
                }
                assertThat(got.error()).as(what).isNull();
                if (want.value() instanceof Double d) {
                    // equal as doubles, -0.0 and 0.0 told apart (Double.equals)
                    assertThat(got.value()).as(what).isInstanceOf(Double.class);
                    assertThat(Double.valueOf(d)).as(what).isEqualTo(got.value());
                } else {
                    assertThat(got.value()).as(what).isEqualTo(want.value());
                }
                nonNull += want.value() == null ? 0 : 1;
                compared++;
            }
        }
        assertThat(compared + errors).isEqualTo(USERS * OUTPUTS.size());
        assertThat(errors)
                .as("the infinite amount makes the last user's float sums errors")
                .isPositive();
        assertThat(nonNull).as("most windows hold values").isGreaterThan(compared / 2);
    }

    private static Map<String, FeatureValue> byName(List<FeatureValue> values) {
        Map<String, FeatureValue> out = new HashMap<>();
        values.forEach(v -> out.put(v.feature().qualified(), v));
        return out;
    }

    private static QueryAnswer query(ResolverRunner r) throws Exception {
        OnlineQueryService service = new OnlineQueryService(
                state,
                new PlanExecutor(new InMemoryOnlineStore(), r, QueryObserver.NONE, Duration.ofSeconds(2)),
                QueryLimits.DEFAULTS,
                Clock.fixed(NOW, ZoneOffset.UTC));
        List<Object> users = new ArrayList<>();
        for (long u = 1; u <= USERS; u++) {
            users.add(u);
        }
        return service.queryBulk(
                        "prod",
                        new OnlineQueryRequest(Map.of("user.id", users), OUTPUTS, Map.of(), null, false, false, null))
                .toCompletableFuture()
                .get(120, TimeUnit.SECONDS);
    }

    /** The PostgreSQL runner, with SQL aggregation on or off, counting its statements. */
    private static final class Counting implements ResolverRunner {
        final PostgresResolverRunner delegate;
        final boolean aggregates;
        final AtomicInteger aggregateStatements = new AtomicInteger();
        final AtomicInteger rowStatements = new AtomicInteger();

        Counting(PostgresResolverRunner delegate, boolean aggregates) {
            this.delegate = delegate;
            this.aggregates = aggregates;
        }

        @Override
        public CompletionStage<Map<String, Object>> run(FeatureGraph graph, ResolverNode resolver, Object[] p) {
            return delegate.run(graph, resolver, p);
        }

        @Override
        public CompletionStage<List<BatchedAnswer>> runBatch(
                FeatureGraph graph, ResolverNode resolver, List<Object[]> rows) {
            return delegate.runBatch(graph, resolver, rows);
        }

        @Override
        public CompletionStage<List<Map<String, Object>>> runRows(
                FeatureGraph graph, ResolverNode resolver, RowsQuery query, Object[] p) {
            rowStatements.incrementAndGet();
            return delegate.runRows(graph, resolver, query, p);
        }

        @Override
        public boolean aggregatesInSource(FeatureGraph graph, ResolverNode resolver) {
            return aggregates && delegate.aggregatesInSource(graph, resolver);
        }

        @Override
        public CompletionStage<List<AggregatePartial>> runAggregates(
                FeatureGraph graph, ResolverNode resolver, AggregateQuery query, Object[] p) {
            aggregateStatements.incrementAndGet();
            return delegate.runAggregates(graph, resolver, query, p);
        }
    }
}
