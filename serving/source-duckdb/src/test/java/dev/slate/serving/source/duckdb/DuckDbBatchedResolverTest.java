package dev.slate.serving.source.duckdb;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bulk query's Parquet resolver calls run as one DuckDB statement (docs/specs/resolver-batching.md): every row gets
 * exactly the answer it would get alone, a row with two result rows fails alone, and a resolver DuckDB cannot run in
 * the batched form runs row by row instead.
 */
class DuckDbBatchedResolverTest {
    @TempDir
    Path root;

    private DuckDbResolverRunner runner;

    @BeforeEach
    void writeFiles() throws Exception {
        Files.createDirectories(root.resolve("data"));
        DuckDbResolverRunnerTest.copy(
                "SELECT i::BIGINT AS id, 'r' || (i % 7) AS region, i * 0.5 AS score,"
                        + " TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (i) MINUTE AS seen,"
                        + " DATE '2026-01-01' + (i % 30)::INTEGER AS day, i % 2 = 0 AS vip FROM range(1, 201) t(i)"
                        + " UNION ALL SELECT 500, 'dup', 1, TIMESTAMPTZ '2026-01-01 00:00:00+00', DATE '2026-01-01', true"
                        + " UNION ALL SELECT 500, 'dup', 2, TIMESTAMPTZ '2026-01-01 00:00:00+00', DATE '2026-01-01', false",
                root.resolve("data/items.parquet"));
        runner = new DuckDbResolverRunner(new DuckDbResolverRunner.Settings(root, 2, 64, Duration.ZERO, "256MB"));
    }

    @AfterEach
    void close() {
        runner.close();
    }

    private static FeatureGraph graph(ResolverNode resolver, Map<String, FeatureType> parameterTypes) {
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
                        "items",
                        new SourceSpec.Parquet("items", "data/items.parquet", SourceLocation.of("slate.yaml"))));
    }

    private static ResolverNode resolver(String name, String sql, List<String> outputs) {
        SqlStatement statement = SqlStatement.analyze(sql);
        assertThat(statement.issues()).isEmpty();
        return new ResolverNode(
                name,
                "item",
                "items",
                sql,
                statement.positionalSql(),
                statement.parameters().stream()
                        .map(p -> new FeatureId("item", p.name()))
                        .toList(),
                outputs.stream()
                        .map(c -> new ResolverNode.Output(c, new FeatureId("item", c)))
                        .toList(),
                Duration.ofSeconds(20),
                SourceLocation.of("r.sql"));
    }

    private List<BatchedAnswer> batch(FeatureGraph graph, ResolverNode r, List<Object[]> rows) throws Exception {
        return runner.runBatch(graph, r, rows).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private Map<String, Object> alone(FeatureGraph graph, ResolverNode r, Object[] row) throws Exception {
        return runner.run(graph, r, row).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void everyRowGetsTheAnswerItWouldGetAloneFromOneStatement() throws Exception {
        ResolverNode r = resolver(
                "byId",
                "SELECT region, score, seen, day, vip, ':id is not a parameter' AS note FROM items"
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

        assertThat(runner.runsBatched(r)).as("the batched statement ran").isTrue();
        assertThat(answers).hasSize(params.size());
        for (int i = 0; i < params.size(); i++) {
            assertThat(answers.get(i))
                    .as("row %d (id %s)", i, params.get(i)[0])
                    .isEqualTo(new BatchedAnswer.Found(alone(g, r, params.get(i))));
        }
        assertThat(((BatchedAnswer.Found) answers.getFirst()).columns())
                .containsEntry("region", "r3")
                .containsEntry("note", ":id is not a parameter")
                .containsEntry("vip", true);
        assertThat(((BatchedAnswer.Found) answers.get(params.size() - 3)).columns())
                .isEmpty();
    }

    @Test
    void aRowWithTwoResultRowsFailsAlone() throws Exception {
        ResolverNode r = resolver("byId", "SELECT region FROM items WHERE id = :id", List.of("region"));
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
        assertThat(answers.get(48)).isEqualTo(new BatchedAnswer.Found(Map.of("region", "r0")));
        assertThat(answers.stream().filter(a -> a instanceof BatchedAnswer.Found))
                .hasSize(99);
    }

    @Test
    void parametersOfEveryScalarTypeAreBound() throws Exception {
        ResolverNode r = resolver(
                "typed",
                "SELECT id FROM items WHERE region = :region AND score = :score AND seen = :seen AND day = :day"
                        + " AND vip = :vip",
                List.of("id"));
        FeatureGraph g = graph(
                r,
                Map.of(
                        "region", FeatureType.Scalar.STRING,
                        "score", FeatureType.Scalar.FLOAT,
                        "seen", FeatureType.Scalar.DATETIME,
                        "day", FeatureType.Scalar.DATE,
                        "vip", FeatureType.Scalar.BOOL));
        List<Object[]> params = new ArrayList<>();
        for (long i : new long[] {14, 15, 16}) {
            Object[] byName = new Object[r.parameters().size()];
            for (int p = 0; p < byName.length; p++) {
                byName[p] = switch (r.parameters().get(p).name()) {
                    case "region" -> "r" + (i % 7);
                    case "score" -> i * 0.5;
                    case "seen" -> Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60 * i);
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
        assertThat(runner.runsBatched(r)).isTrue();
    }

    @Test
    void aResolverDuckDbCannotBatchRunsRowByRow() throws Exception {
        // a LIMIT that reads a parameter: DuckDB does not take a correlated column there
        ResolverNode r = resolver(
                "limited", "SELECT region FROM items WHERE id = :id ORDER BY region LIMIT :n", List.of("region"));
        FeatureGraph g = graph(r, Map.of("id", FeatureType.Scalar.INT, "n", FeatureType.Scalar.INT));
        List<Object[]> params = new ArrayList<>();
        for (long i = 1; i <= 20; i++) {
            Object[] byName = new Object[2];
            for (int p = 0; p < 2; p++) {
                byName[p] = r.parameters().get(p).name().equals("id") ? i : 1L;
            }
            params.add(byName);
        }

        List<BatchedAnswer> answers = batch(g, r, params);

        assertThat(runner.runsBatched(r)).as("refused once, then row by row").isFalse();
        for (int i = 0; i < params.size(); i++) {
            assertThat(answers.get(i)).isEqualTo(new BatchedAnswer.Found(alone(g, r, params.get(i))));
        }
    }

    @Test
    void aStatementThatFailsWhileRunningFailsTheWholeRun() {
        ResolverNode r =
                resolver("broken", "SELECT CAST(region || 'x' AS BIGINT) AS x FROM items WHERE id = :id", List.of("x"));
        FeatureGraph g = graph(r, Map.of("id", FeatureType.Scalar.INT));
        List<Object[]> params = List.of(new Object[] {1L}, new Object[] {2L});
        assertThat(runner.runBatch(g, r, params).toCompletableFuture())
                .failsWithin(Duration.ofSeconds(60))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(ResolverFailure.class)
                .withMessageContaining("Conversion Error");
    }

    @Test
    void aStatementDuckDbRefusesFailsEveryRowWithItsReason() throws Exception {
        ResolverNode r = resolver("broken", "SELECT no_such_column FROM items WHERE id = :id", List.of("x"));
        FeatureGraph g = graph(r, Map.of("id", FeatureType.Scalar.INT));
        List<BatchedAnswer> answers = batch(g, r, List.of(new Object[] {1L}, new Object[] {2L}));
        assertThat(answers)
                .hasSize(2)
                .allSatisfy(a -> assertThat(a)
                        .isInstanceOfSatisfying(
                                BatchedAnswer.Failed.class,
                                f -> assertThat(f.cause()).hasMessageContaining("no_such_column")));
    }
}
