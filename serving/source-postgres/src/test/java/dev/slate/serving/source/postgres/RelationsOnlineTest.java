package dev.slate.serving.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.storage.testing.InMemoryOnlineStore;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Relationships and pushdown aggregations end to end against the machine's real PostgreSQL (database
 * {@code test}): a project compiled from YAML, queries through {@link OnlineQueryService}, resolvers run by
 * {@link PostgresResolverRunner}. Tables live in a schema of their own, dropped afterwards.
 */
class RelationsOnlineTest {
    static final String URL = TestServers.postgres().url();
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String SCHEMA =
            "rel_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    static Vertx vertx;
    static Pool admin;
    static PostgresResolverRunner runner;
    static OnlineQueryService service;
    static InMemoryOnlineStore store;
    static final List<Txn> TXNS = new ArrayList<>();

    record Txn(long id, Long userId, double amount, String merchant, Instant ts) {}

    static String project() {
        return """
                project: rel
                sources:
                  db: {kind: postgres, url: "%s", username: %3$s}
                entities:
                  user:
                    key: id
                    max_staleness: 10m
                    features:
                      id: int
                      email: string
                      age: int
                      transactions: {has_many: transaction, foreign_key: user_id}
                      txn_count: {aggregate: count, over: transactions, windows: [1h, 1d, 7d]}
                      spend: {aggregate: sum, of: amount, over: transactions, windows: [1d, 30d], where: "amount > 0.0"}
                      big_merchants: {aggregate: count_distinct, of: merchant, over: transactions, windows: [30d], where: "amount >= 100.0"}
                      last_merchant: {aggregate: last, of: merchant, over: transactions, windows: [30d]}
                  transaction:
                    key: id
                    time: ts
                    features:
                      id: int
                      user_id: int
                      amount: float
                      merchant: string
                      ts: datetime
                      user: {has_one: user, foreign_key: user_id}
                      owner: {has_one: user, foreign_key: user_id, required: true}
                      buyer_is_adult: {type: bool, expression: "user.age >= 18"}
                resolvers:
                  - name: profile
                    source: db
                    sql: SELECT email, age FROM %2$s.users WHERE id = :id
                  - name: txn
                    source: db
                    sql: SELECT user_id, amount, merchant, ts FROM %2$s.transactions WHERE id = :id
                  - name: txns_of_user
                    source: db
                    resolves: transaction
                    many: true
                    sql: SELECT id, user_id, amount, merchant, ts FROM %2$s.transactions WHERE user_id = :user_id
                """.formatted(URL, SCHEMA, TestServers.postgres().user());
    }

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
        sql("CREATE TABLE " + SCHEMA + ".users (id bigint PRIMARY KEY, email text, age int)");
        sql(
                "CREATE TABLE " + SCHEMA
                        + ".transactions (id bigint PRIMARY KEY, user_id bigint, amount float8, merchant text, ts timestamptz)");
        sql("INSERT INTO " + SCHEMA + ".users VALUES (1, 'ann@example.com', 30), (2, 'bob@example.org', 16)");
        Instant t = NOW;
        TXNS.add(new Txn(1, 1L, 10.0, "cafe", t)); // at T: in every window
        TXNS.add(new Txn(2, 1L, 20.0, "cafe", t.minus(Duration.ofHours(1)))); // exactly T - 1h: not in 1h
        TXNS.add(new Txn(
                3, 1L, -5.0, "refund", t.minus(Duration.ofHours(1)).plusMillis(1))); // just inside 1h; where drops it
        TXNS.add(new Txn(4, 1L, 1000.0, "future", t.plusSeconds(1))); // after T: in no window
        TXNS.add(new Txn(5, 1L, 7.0, "old", t.minus(Duration.ofDays(30)))); // exactly T - 30d: not in 30d
        TXNS.add(new Txn(6, 1L, 150.0, "hotel", t.minus(Duration.ofDays(29))));
        TXNS.add(new Txn(7, 1L, 120.0, "airline", t.minus(Duration.ofDays(6))));
        TXNS.add(new Txn(8, 1L, 130.0, "hotel", t.minus(Duration.ofDays(2))));
        TXNS.add(new Txn(9, 999L, 5.0, "nobody", t)); // its user does not exist
        TXNS.add(new Txn(10, null, 5.0, "anonymous", t)); // no foreign key
        for (Txn x : TXNS) {
            admin.preparedQuery("INSERT INTO " + SCHEMA + ".transactions VALUES ($1, $2, $3, $4, $5)")
                    .execute(Tuple.of(x.id(), x.userId(), x.amount(), x.merchant(), x.ts().atOffset(ZoneOffset.UTC)))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }
        FeatureGraph graph = ProjectCompiler.compile(Map.of("slate.yaml", project()));
        ServingState state = new ServingState();
        state.install(new ActiveDeployment("prod", "d1", 1, graph, NOW));
        runner = new PostgresResolverRunner(vertx, text -> text);
        store = new InMemoryOnlineStore();
        PlanExecutor executor = new PlanExecutor(store, runner, QueryObserver.NONE, Duration.ofSeconds(2));
        service = new OnlineQueryService(state, executor, QueryLimits.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC));
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
                .get(10, TimeUnit.SECONDS);
    }

    static QueryAnswer query(Map<String, Object> inputs, List<String> outputs, boolean explain) throws Exception {
        return service.query("prod", new OnlineQueryRequest(inputs, outputs, Map.of(), null, true, explain, null))
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    static Map<String, FeatureValue> byName(QueryAnswer a) {
        Map<String, FeatureValue> out = new LinkedHashMap<>();
        for (FeatureValue v : a.rows().getFirst()) {
            out.put(v.feature().qualified(), v);
        }
        return out;
    }

    @Test
    void aFeatureThroughARelationIsPlannedFromTheForeignKey() throws Exception {
        QueryAnswer a = query(
                Map.of("transaction.id", 1),
                List.of("transaction.user.age", "transaction.user.email", "transaction.buyer_is_adult"),
                true);
        Map<String, FeatureValue> v = byName(a);
        assertThat(v.get("transaction.user.age").value()).isEqualTo(30L);
        assertThat(v.get("transaction.user.email").value()).isEqualTo("ann@example.com");
        assertThat(v.get("transaction.buyer_is_adult").value()).isEqualTo(true);
        assertThat(v.values()).allSatisfy(x -> assertThat(x.error()).isNull());
        assertThat(a.explain())
                .contains("resolve txn on db")
                .contains("follow transaction.user (has_one) with [transaction.user_id]")
                .contains("| plan ")
                .contains("|   inputs:  [user.id]")
                .contains("user by user.id: age (fresh 10m), email (fresh 10m)")
                .contains("resolve profile on db");
        // the related entity's values are cached like those of a top-level query
        Map<String, FeatureValue> again = byName(query(Map.of("user.id", 1), List.of("user.age"), false));
        assertThat(again.get("user.age").value()).isEqualTo(30L);

        Map<String, FeatureValue> minor =
                byName(query(Map.of("transaction.id", 9), List.of("transaction.user.age"), false));
        assertThat(minor.get("transaction.user.age").value()).isNull();
    }

    @Test
    void aMissingRelatedRowIsNullUnlessTheRelationIsRequired() throws Exception {
        for (long id : new long[] {9, 10}) { // no such user; no foreign key
            Map<String, FeatureValue> v = byName(query(
                    Map.of("transaction.id", id), List.of("transaction.user.age", "transaction.owner.age"), false));
            assertThat(v.get("transaction.user.age").value()).isNull();
            assertThat(v.get("transaction.user.age").error()).isNull();
            assertThat(v.get("transaction.owner.age").value()).isNull();
            assertThat(v.get("transaction.owner.age").error().message())
                    .contains("required relation transaction.owner");
        }
    }

    @Test
    void pushdownAggregationsEqualABruteForceOracle() throws Exception {
        List<String> outputs = List.of(
                "user.txn_count[1h]",
                "user.txn_count[1d]",
                "user.txn_count[7d]",
                "user.spend[1d]",
                "user.spend[30d]",
                "user.big_merchants[30d]",
                "user.last_merchant[30d]");
        QueryAnswer a = query(Map.of("user.id", 1), outputs, true);
        Map<String, FeatureValue> v = byName(a);
        assertThat(v.values()).allSatisfy(x -> assertThat(x.error()).isNull());
        assertThat(v.get("user.txn_count[1h]").value())
                .isEqualTo(oracleCount(1, Duration.ofHours(1)))
                .isEqualTo(2L);
        assertThat(v.get("user.txn_count[1d]").value())
                .isEqualTo(oracleCount(1, Duration.ofDays(1)))
                .isEqualTo(3L);
        assertThat(v.get("user.txn_count[7d]").value())
                .isEqualTo(oracleCount(1, Duration.ofDays(7)))
                .isEqualTo(5L);
        assertThat(v.get("user.spend[1d]").value())
                .isEqualTo(oracleSpend(1, Duration.ofDays(1)))
                .isEqualTo(30.0);
        assertThat(v.get("user.spend[30d]").value())
                .isEqualTo(oracleSpend(1, Duration.ofDays(30)))
                .isEqualTo(430.0);
        assertThat(v.get("user.big_merchants[30d]").value()).isEqualTo(2L); // hotel, airline
        assertThat(v.get("user.last_merchant[30d]").value()).isEqualTo("cafe");
        assertThat(a.explain())
                .contains("aggregate over user.transactions: rows of txns_of_user on db")
                .contains("pushed down: transaction.ts in (now - 30d, now]")
                .contains("user.spend[30d] = sum(transaction.amount) where amount > 0.0");

        Map<String, FeatureValue> none =
                byName(query(Map.of("user.id", 2), List.of("user.txn_count[7d]", "user.spend[30d]"), false));
        assertThat(none.get("user.txn_count[7d]").value()).isEqualTo(0L);
        assertThat(none.get("user.spend[30d]").value()).isNull();
        assertThat(none.get("user.spend[30d]").error()).isNull();
    }

    @Test
    void aWindowThatIsNotDeclaredIsARequestError() {
        SlateException e = catchThrowableOfType(
                SlateException.class, () -> query(Map.of("user.id", 1), List.of("user.txn_count[2h]"), false));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_QUERY);
        assertThat(e.getMessage())
                .contains("not declared")
                .contains("user.txn_count[1h], user.txn_count[1d], user.txn_count[7d]");
        SlateException plain = catchThrowableOfType(
                SlateException.class, () -> query(Map.of("user.id", 1), List.of("user.txn_count"), false));
        assertThat(plain.getMessage()).contains("ask for one of its windows");
    }

    @Test
    void aWindowMayBeWrittenInOtherUnits() throws Exception {
        Map<String, FeatureValue> v = byName(query(Map.of("user.id", 1), List.of("user.txn_count[60m]"), false));
        assertThat(v.get("user.txn_count[1h]").value()).isEqualTo(2L);
    }

    static long oracleCount(long user, Duration w) {
        return TXNS.stream()
                .filter(x -> x.userId() != null
                        && x.userId() == user
                        && x.ts().isAfter(NOW.minus(w))
                        && !x.ts().isAfter(NOW))
                .count();
    }

    static double oracleSpend(long user, Duration w) {
        BigDecimal sum = BigDecimal.ZERO;
        Set<Long> seen = new HashSet<>();
        for (Txn x : TXNS) {
            if (x.userId() != null
                    && x.userId() == user
                    && x.ts().isAfter(NOW.minus(w))
                    && !x.ts().isAfter(NOW)
                    && x.amount() > 0.0
                    && seen.add(x.id())) {
                sum = sum.add(BigDecimal.valueOf(x.amount()));
            }
        }
        return sum.doubleValue();
    }
}
