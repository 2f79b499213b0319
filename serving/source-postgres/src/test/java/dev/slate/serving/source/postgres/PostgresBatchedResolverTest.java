package dev.slate.serving.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.engine.exec.BatchedAnswer;
import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.FeatureNode;
import dev.slate.serving.model.graph.Producer;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.serving.model.sql.SqlStatement;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bulk query's resolver calls run as one statement (docs/specs/resolver-batching.md), against the machine's real
 * PostgreSQL: every row gets exactly the answer it would get alone. (That the executor makes one call per resolver
 * is PlanExecutorBatchingTest's.)
 */
class PostgresBatchedResolverTest {

    private static final String URL = TestServers.postgres().url();

    private final String source =
            "b_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String table =
            "slate_batch_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private Vertx vertx;
    private PostgresResolverRunner runner;
    private Pool admin;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        runner = new PostgresResolverRunner(vertx, text -> text);
        admin = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1))
                .connectingTo(PgConnectOptions.fromUri(URL)
                        .setUser(TestServers.postgres().user()))
                .using(vertx)
                .build();
        sql("CREATE TABLE " + table + " (id bigint, region text, score float8, seen timestamptz, day date, vip bool)");
        sql("INSERT INTO " + table
                + " SELECT i, 'r' || (i % 7), i * 0.5, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute',"
                + " date '2026-01-01' + (i % 30), i % 2 = 0 FROM generate_series(1, 200) AS i");
        sql("INSERT INTO " + table
                + " VALUES (500, 'dup', 1, now(), current_date, true), (500, 'dup', 2, now(), current_date, false)");
    }

    @AfterEach
    void stop() throws Exception {
        sql("DROP TABLE IF EXISTS " + table);
        runner.close();
        admin.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void sql(String statement) throws Exception {
        admin.query(statement)
                .execute()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** A graph with one resolver whose named parameters have the given types. */
    private FeatureGraph graph(ResolverNode resolver, Map<String, FeatureType> parameterTypes) {
        Map<FeatureId, FeatureNode> features = new LinkedHashMap<>();
        parameterTypes.forEach((name, type) -> {
            FeatureId id = new FeatureId("item", name);
            features.put(
                    id,
                    new FeatureNode(
                            id,
                            type,
                            Optional.empty(),
                            new Producer.EntityKey(),
                            "k",
                            Set.of(),
                            SourceLocation.of("slate.yaml")));
        });
        return new FeatureGraph(
                "p",
                "h",
                Map.of(),
                features,
                Map.of(resolver.name(), resolver),
                Map.of(
                        source,
                        new SourceSpec.Postgres(
                                source,
                                URL,
                                Optional.of(TestServers.postgres().user()),
                                Optional.empty(),
                                2,
                                SourceLocation.of("slate.yaml"))));
    }

    private ResolverNode resolver(String name, String sql, List<String> outputs) {
        SqlStatement statement = SqlStatement.analyze(sql);
        assertThat(statement.issues()).isEmpty();
        List<FeatureId> parameters = statement.parameters().stream()
                .map(p -> new FeatureId("item", p.name()))
                .toList();
        List<ResolverNode.Output> outs = outputs.stream()
                .map(c -> new ResolverNode.Output(c, new FeatureId("item", c)))
                .toList();
        return new ResolverNode(
                name,
                "item",
                source,
                sql,
                statement.positionalSql(),
                parameters,
                outs,
                Duration.ofSeconds(5),
                SourceLocation.of("r.sql"));
    }

    private List<BatchedAnswer> batch(FeatureGraph graph, ResolverNode r, List<Object[]> rows) throws Exception {
        return runner.runBatch(graph, r, rows).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyRowGetsTheAnswerItWouldGetAlone() throws Exception {
        ResolverNode r = resolver(
                "byId",
                "SELECT region, score, seen, day, vip, ':id is not a parameter' AS note FROM " + table
                        + " WHERE id = :id -- :id in a comment",
                List.of("region", "score", "seen", "day", "vip", "note"));
        FeatureGraph g = graph(r, Map.of("id", FeatureType.Scalar.INT));
        List<Object[]> params = new ArrayList<>();
        for (long i = 150; i >= 1; i -= 3) {
            params.add(new Object[] {i});
        }
        params.add(new Object[] {9999L}); // no such row
        params.add(new Object[] {null}); // no key
        params.add(new Object[] {42L}); // the same key twice
        params.add(new Object[] {42L});

        List<BatchedAnswer> answers = batch(g, r, params);

        assertThat(answers).hasSize(params.size());
        for (int i = 0; i < params.size(); i++) {
            Map<String, Object> alone =
                    runner.run(g, r, params.get(i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(answers.get(i))
                    .as("row %d (id %s)", i, params.get(i)[0])
                    .isEqualTo(new BatchedAnswer.Found(alone));
        }
        assertThat(((BatchedAnswer.Found) answers.getFirst()).columns())
                .containsEntry("region", "r3")
                .containsEntry("score", 75.0)
                .containsEntry("note", ":id is not a parameter")
                .containsEntry("vip", true);
        assertThat(((BatchedAnswer.Found) answers.get(params.size() - 4)).columns())
                .isEmpty();
        assertThat(((BatchedAnswer.Found) answers.get(params.size() - 3)).columns())
                .isEmpty();
    }

    @Test
    void aRowWithTwoResultRowsFailsAlone() throws Exception {
        String marker = "batch-" + UUID.randomUUID();
        ResolverNode r = resolver(
                "byId",
                "SELECT region, '" + marker + "' AS marker FROM " + table + " WHERE id = :id",
                List.of("region", "marker"));
        FeatureGraph g = graph(r, Map.of("id", FeatureType.Scalar.INT));
        List<Object[]> params = new ArrayList<>();
        for (long i = 1; i <= 100; i++) {
            params.add(new Object[] {i == 50 ? 500L : i});
        }

        List<BatchedAnswer> answers = batch(g, r, params);

        assertThat(answers.get(49))
                .isInstanceOfSatisfying(
                        BatchedAnswer.Failed.class,
                        f -> assertThat(f.cause())
                                .isInstanceOf(ResolverFailure.class)
                                .hasMessageContaining("returned 2 rows"));
        assertThat(answers.get(48)).isEqualTo(new BatchedAnswer.Found(Map.of("region", "r0", "marker", marker)));
        assertThat(answers.stream().filter(a -> a instanceof BatchedAnswer.Found))
                .hasSize(99);
    }

    @Test
    void parametersOfEveryScalarTypeAreBound() throws Exception {
        ResolverNode r = resolver(
                "typed",
                "SELECT id FROM " + table + " WHERE region = :region AND score = :score AND seen = :seen AND day = :day"
                        + " AND vip = :vip",
                List.of("id"));
        FeatureGraph g = graph(
                r,
                Map.of(
                        "region",
                        FeatureType.Scalar.STRING,
                        "score",
                        FeatureType.Scalar.FLOAT,
                        "seen",
                        FeatureType.Scalar.DATETIME,
                        "day",
                        FeatureType.Scalar.DATE,
                        "vip",
                        FeatureType.Scalar.BOOL));
        List<Object[]> params = new ArrayList<>();
        for (long i : new long[] {14, 15, 16}) {
            Instant seen = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                    .plusMinutes(i)
                    .toInstant();
            Object[] byName = new Object[r.parameters().size()];
            for (int p = 0; p < byName.length; p++) {
                byName[p] = switch (r.parameters().get(p).name()) {
                    case "region" -> "r" + (i % 7);
                    case "score" -> i * 0.5;
                    case "seen" -> seen;
                    case "day" -> LocalDate.of(2026, 1, 1).plusDays(i % 30);
                    case "vip" -> i % 2 == 0;
                    default -> throw new IllegalStateException();
                };
            }
            params.add(byName);
        }
        assertThat(batch(g, r, params))
                .containsExactly(
                        new BatchedAnswer.Found(Map.of("id", 14L)),
                        new BatchedAnswer.Found(Map.of("id", 15L)),
                        new BatchedAnswer.Found(Map.of("id", 16L)));
    }

    @Test
    void aStatementPostgreSqlRefusesFailsEveryRowWithItsReason() throws Exception {
        ResolverNode r = resolver(
                "broken", "SELECT no_such_column FROM " + table + " WHERE id = :id", List.of("no_such_column"));
        FeatureGraph g = graph(r, Map.of("id", FeatureType.Scalar.INT));
        List<BatchedAnswer> answers = batch(g, r, List.of(new Object[] {1L}, new Object[] {2L}));
        assertThat(answers)
                .hasSize(2)
                .allSatisfy(a -> assertThat(a)
                        .isInstanceOfSatisfying(
                                BatchedAnswer.Failed.class,
                                f -> assertThat(f.cause())
                                        .isInstanceOf(ResolverFailure.class)
                                        .hasMessageContaining("no_such_column")));
    }

    @Test
    void aResolverWhoseParameterNeedsItsOwnTypeRunsRowByRow() throws Exception {
        // make_date takes integers: the batched form passes a bigint column and PostgreSQL finds no such function
        ResolverNode r = resolver("dated", "SELECT make_date(:year, 1, 1) AS day", List.of("day"));
        FeatureGraph g = graph(r, Map.of("year", FeatureType.Scalar.INT));
        List<BatchedAnswer> answers = batch(g, r, List.of(new Object[] {2020L}, new Object[] {2024L}));
        assertThat(answers)
                .containsExactly(
                        new BatchedAnswer.Found(Map.of("day", LocalDate.of(2020, 1, 1))),
                        new BatchedAnswer.Found(Map.of("day", LocalDate.of(2024, 1, 1))));
    }
}
