package dev.slate.serving.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slate.serving.engine.TestGraphs;
import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.Planner;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.testing.InMemoryOnlineStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bulk query runs each resolver once for all its rows (docs/specs/resolver-batching.md). */
class PlanExecutorBatchingTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final FeatureId USER_ID = new FeatureId("user", "id");
    private static final List<String> OUTPUTS = List.of("user.email", "user.score", "user.label");

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(3);
    private final BatchRunner runner = new BatchRunner();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** user.id -> profile(email, age); score <- scoring(age); label = f(email, score); nothing is cached. */
    private static FeatureGraph graph() {
        return TestGraphs.project("b")
                .entity("user", "id", FeatureType.Scalar.INT, Optional.empty())
                .resolver(
                        "profile",
                        "user",
                        List.of("id"),
                        List.of("email", "age"),
                        List.of(FeatureType.Scalar.STRING, FeatureType.Scalar.INT),
                        Optional.of(Duration.ZERO),
                        Duration.ofSeconds(2))
                .resolver(
                        "scoring",
                        "user",
                        List.of("age"),
                        List.of("score"),
                        FeatureType.Scalar.FLOAT,
                        Optional.of(Duration.ZERO),
                        Duration.ofSeconds(2))
                .expression(
                        "user",
                        "label",
                        FeatureType.Scalar.STRING,
                        Optional.of(Duration.ZERO),
                        List.of("email", "score"),
                        a -> a.get(0) + "/" + a.get(1))
                .build();
    }

    private record Result(Plan plan, List<RowResult> rows) {
        Object value(int row, String feature) {
            return rows.get(row).values()[slot(feature)];
        }

        FeatureError error(int row, String feature) {
            return rows.get(row).errors()[slot(feature)];
        }

        int slot(String feature) {
            return plan.features().stream()
                    .filter(f -> f.node().id().qualified().equals(feature))
                    .findFirst()
                    .orElseThrow()
                    .slot();
        }
    }

    private Result run(int rows) throws Exception {
        FeatureGraph g = graph();
        Plan plan = new Planner(g)
                .plan(QueryShape.of(
                        Set.of(USER_ID),
                        OUTPUTS.stream()
                                .map(o -> FeatureId.parse(o).orElseThrow())
                                .toList(),
                        Map.of()));
        List<Object[]> in = new ArrayList<>();
        for (long i = 1; i <= rows; i++) {
            in.add(new Object[] {i});
        }
        PlanExecutor executor =
                new PlanExecutor(new InMemoryOnlineStore(), runner, QueryObserver.NONE, Duration.ofMillis(500));
        return new Result(
                plan,
                executor.execute(g, "env", plan, in, NOW).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void aHundredRowsRunEachResolverOnceAndDependentResolversAreBatchedToo() throws Exception {
        Result r = run(100);

        assertThat(runner.batches).containsExactly("profile x100", "scoring x100");
        assertThat(runner.singles).isEmpty();
        for (int i = 0; i < 100; i++) {
            long id = i + 1;
            assertThat(r.value(i, "user.email")).isEqualTo("u" + id + "@x.com");
            assertThat(r.value(i, "user.score")).isEqualTo(id * 10 / 2.0);
            assertThat(r.value(i, "user.label")).isEqualTo("u" + id + "@x.com/" + (id * 10 / 2.0));
        }
    }

    @Test
    void oneQueryRowIsNotBatched() throws Exception {
        Result r = run(1);

        assertThat(runner.batches).isEmpty();
        assertThat(runner.singles).containsExactly("profile", "scoring");
        assertThat(r.value(0, "user.label")).isEqualTo("u1@x.com/5.0");
    }

    @Test
    void aRowThatFailsInABatchFailsAloneAndItsDependentsSayWhy() throws Exception {
        runner.failRow = 7;
        Result r = run(20);

        assertThat(r.error(6, "user.email")).isNotNull().satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.RESOLVER_FAILED);
            assertThat(e.message()).contains("returned 2 rows");
        });
        assertThat(r.error(6, "user.score").code()).isEqualTo(ErrorCode.UPSTREAM_FAILED);
        assertThat(r.error(6, "user.label").code()).isEqualTo(ErrorCode.UPSTREAM_FAILED);
        for (int i = 0; i < 20; i++) {
            if (i != 6) {
                assertThat(r.error(i, "user.label")).as("row %d", i).isNull();
            }
        }
        assertThat(runner.batches).containsExactly("profile x20", "scoring x19");
    }

    @Test
    void aFailingBatchFailsItsFeaturesInEveryRowNotTheQuery() throws Exception {
        runner.failBatch = "scoring";
        Result r = run(5);

        for (int i = 0; i < 5; i++) {
            assertThat(r.value(i, "user.email")).isEqualTo("u" + (i + 1) + "@x.com");
            assertThat(r.error(i, "user.score").code()).isEqualTo(ErrorCode.RESOLVER_FAILED);
            assertThat(r.error(i, "user.score").message()).contains("scoring is down");
            assertThat(r.error(i, "user.label").code()).isEqualTo(ErrorCode.UPSTREAM_FAILED);
        }
    }

    /** Answers every call later, on another thread; profile(id) = (u{id}@x.com, 10·id), scoring(age) = age / 2. */
    private final class BatchRunner implements ResolverRunner {
        final List<String> batches = Collections.synchronizedList(new ArrayList<>());
        final List<String> singles = Collections.synchronizedList(new ArrayList<>());
        volatile long failRow = -1;
        volatile String failBatch;

        private Map<String, Object> answer(ResolverNode resolver, Object[] p) {
            return switch (resolver.name()) {
                case "profile" -> Map.of("email", "u" + p[0] + "@x.com", "age", (Long) p[0] * 10);
                case "scoring" -> Map.of("score", ((Number) p[0]).longValue() / 2.0);
                default -> throw new IllegalStateException(resolver.name());
            };
        }

        private <T> CompletableFuture<T> later(Supplier<T> answer) {
            CompletableFuture<T> f = new CompletableFuture<>();
            scheduler.schedule(
                    () -> {
                        try {
                            f.complete(answer.get());
                        } catch (RuntimeException e) {
                            f.completeExceptionally(e);
                        }
                    },
                    2,
                    TimeUnit.MILLISECONDS);
            return f;
        }

        @Override
        public CompletionStage<Map<String, Object>> run(
                FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
            singles.add(resolver.name());
            return later(() -> answer(resolver, parameters));
        }

        @Override
        public CompletionStage<List<BatchedAnswer>> runBatch(
                FeatureGraph graph, ResolverNode resolver, List<Object[]> parameterRows) {
            batches.add(resolver.name() + " x" + parameterRows.size());
            return later(() -> {
                if (resolver.name().equals(failBatch)) {
                    throw new ResolverFailure(resolver.name() + " is down");
                }
                List<BatchedAnswer> out = new ArrayList<>();
                for (Object[] p : parameterRows) {
                    out.add(
                            resolver.name().equals("profile") && p[0].equals(failRow)
                                    ? new BatchedAnswer.Failed(new ResolverFailure(
                                            "query returned 2 rows; a resolver must return at most one row per input"))
                                    : new BatchedAnswer.Found(answer(resolver, p)));
                }
                return out;
            });
        }
    }
}
