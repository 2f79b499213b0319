package dev.slate.serving.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slate.serving.engine.TestGraphs;
import dev.slate.serving.engine.plan.Plan;
import dev.slate.serving.engine.plan.Planner;
import dev.slate.serving.engine.plan.QueryShape;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.storage.spi.EntityRef;
import dev.slate.storage.spi.FeatureSlot;
import dev.slate.storage.spi.FeatureType;
import dev.slate.storage.spi.StoredValue;
import dev.slate.storage.testing.InMemoryOnlineStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlanExecutorTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final FeatureId USER_ID = new FeatureId("user", "id");

    private final InMemoryOnlineStore store = new InMemoryOnlineStore();
    private final FakeRunner runner = new FakeRunner();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** user.id -> profile(email, age) [10m]; email_domain = f(email) [10m]; score <- scoring(age) [0s]; label = f(score, email_domain). */
    private static FeatureGraph graph() {
        return TestGraphs.project("t")
                .entity("user", "id", FeatureType.Scalar.INT, Optional.empty())
                .resolver(
                        "profile",
                        "user",
                        List.of("id"),
                        List.of("email", "age"),
                        List.of(FeatureType.Scalar.STRING, FeatureType.Scalar.INT),
                        Optional.of(Duration.ofMinutes(10)),
                        Duration.ofSeconds(1))
                .resolver(
                        "scoring",
                        "user",
                        List.of("age"),
                        List.of("score"),
                        FeatureType.Scalar.FLOAT,
                        Optional.of(Duration.ZERO),
                        Duration.ofMillis(300))
                .expression(
                        "user",
                        "email_domain",
                        FeatureType.Scalar.STRING,
                        Optional.of(Duration.ofMinutes(10)),
                        List.of("email"),
                        a -> ((String) a.get(0)).substring(((String) a.get(0)).indexOf('@') + 1))
                .expression(
                        "user",
                        "label",
                        FeatureType.Scalar.STRING,
                        Optional.of(Duration.ZERO),
                        List.of("score", "email_domain"),
                        a -> a.get(1) + ":" + a.get(0))
                .ingested("user", "segment", FeatureType.Scalar.STRING, Optional.empty())
                .build();
    }

    private List<RowResult> run(
            FeatureGraph g, List<String> outputs, Map<FeatureId, Duration> staleness, Object... keys) throws Exception {
        Plan plan = new Planner(g)
                .plan(QueryShape.of(
                        Set.of(USER_ID),
                        outputs.stream()
                                .map(o -> FeatureId.parse(o).orElseThrow())
                                .toList(),
                        staleness));
        List<Object[]> rows = Arrays.stream(keys).map(k -> new Object[] {k}).toList();
        PlanExecutor executor = new PlanExecutor(store, runner, QueryObserver.NONE, Duration.ofMillis(200));
        return executor.execute(g, "env", plan, rows, NOW).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static Object value(FeatureGraph g, List<String> outputs, RowResult r, String feature) throws Exception {
        return r.values()[slot(g, outputs, r, feature)];
    }

    private static int slot(FeatureGraph g, List<String> outputs, RowResult r, String feature) throws Exception {
        Plan plan = new Planner(g)
                .plan(QueryShape.of(
                        Set.of(USER_ID),
                        outputs.stream()
                                .map(o -> FeatureId.parse(o).orElseThrow())
                                .toList(),
                        Map.of()));
        return plan.features().stream()
                .filter(f -> f.node().id().qualified().equals(feature))
                .findFirst()
                .orElseThrow()
                .slot();
    }

    private static FeatureSlot slotOf(FeatureGraph g, String feature) {
        var n = g.features().get(FeatureId.parse(feature).orElseThrow());
        return new FeatureSlot(n.id().name(), n.version(), n.type());
    }

    @Test
    void freshValuesComeFromOneStoreReadAndNoResolverRuns() throws Exception {
        FeatureGraph g = graph();
        EntityRef u1 = new EntityRef("env", "user", 1L);
        store.put(u1, slotOf(g, "user.email"), new StoredValue("a@x.com", NOW.minusSeconds(60)));
        store.put(u1, slotOf(g, "user.email_domain"), new StoredValue("x.com", NOW.minusSeconds(60)));
        List<String> outs = List.of("user.email", "user.email_domain");
        RowResult r = run(g, outs, Map.of(), 1L).get(0);
        assertThat(value(g, outs, r, "user.email")).isEqualTo("a@x.com");
        assertThat(value(g, outs, r, "user.email_domain")).isEqualTo("x.com");
        assertThat(runner.calls).isEmpty();
        assertThat(store.readCalls()).isEqualTo(1);
        assertThat(r.cacheHit()[slot(g, outs, r, "user.email")]).isTrue();
        assertThat(r.observedAt()[slot(g, outs, r, "user.email")]).isEqualTo(NOW.minusSeconds(60));
    }

    @Test
    void staleOrFutureValuesAreRecomputedAndWrittenBack() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "b@y.org", "age", 30));
        EntityRef u1 = new EntityRef("env", "user", 1L);
        store.put(
                u1,
                slotOf(g, "user.email"),
                new StoredValue("old@x.com", NOW.minus(Duration.ofMinutes(10)).minusNanos(1_000)));
        store.put(u1, slotOf(g, "user.email_domain"), new StoredValue("future.com", NOW.plusSeconds(1)));
        List<String> outs = List.of("user.email_domain");
        RowResult r = run(g, outs, Map.of(), 1L).get(0);
        assertThat(value(g, outs, r, "user.email_domain")).isEqualTo("y.org");
        assertThat(runner.calls).containsExactly("profile[1]");
        awaitWrites(2);
        assertThat(store.writes())
                .extracting(w -> w.slot().feature())
                .containsExactlyInAnyOrder("email", "email_domain");
        assertThat(store.writes()).allSatisfy(w -> {
            assertThat(w.observedAt()).isEqualTo(NOW);
            assertThat(w.retention()).contains(Duration.ofMinutes(10));
        });
    }

    @Test
    void aResolverThatRunsForOneOutputReplacesTheStoredValuesOfItsOthers() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "now@y.org", "age", 30));
        EntityRef u1 = new EntityRef("env", "user", 1L);
        store.put(u1, slotOf(g, "user.email"), new StoredValue("cached@x.com", NOW.minusSeconds(60))); // fresh
        store.put(
                u1,
                slotOf(g, "user.age"),
                new StoredValue(29L, NOW.minus(Duration.ofMinutes(11)))); // stale: profile runs
        List<String> outs = List.of("user.email", "user.age");
        RowResult r = run(g, outs, Map.of(), 1L).get(0);
        assertThat(runner.calls).containsExactly("profile[1]");
        assertThat(value(g, outs, r, "user.email")).isEqualTo("now@y.org");
        assertThat(r.cacheHit()[slot(g, outs, r, "user.email")])
                .as("served from the resolver, not the store")
                .isFalse();
        assertThat(r.observedAt()[slot(g, outs, r, "user.email")]).isEqualTo(NOW);
        awaitWrites(2);
        assertThat(store.writes()).extracting(w -> w.slot().feature()).containsExactlyInAnyOrder("email", "age");
    }

    @Test
    void aFailingResolverThatRanForOneOutputLeavesTheFreshStoredValuesOfItsOthers() throws Exception {
        FeatureGraph g = graph();
        runner.fail("profile", "connection refused");
        EntityRef u1 = new EntityRef("env", "user", 1L);
        store.put(u1, slotOf(g, "user.email"), new StoredValue("cached@x.com", NOW.minusSeconds(60))); // fresh
        List<String> outs = List.of("user.email", "user.age");
        RowResult r = run(g, outs, Map.of(), 1L).get(0);
        assertThat(runner.calls).containsExactly("profile[1]");
        assertThat(value(g, outs, r, "user.email")).isEqualTo("cached@x.com");
        assertThat(r.errors()[slot(g, outs, r, "user.email")]).isNull();
        assertThat(r.cacheHit()[slot(g, outs, r, "user.email")]).isTrue();
        assertThat(r.errors()[slot(g, outs, r, "user.age")].code()).isEqualTo(ErrorCode.RESOLVER_FAILED);
    }

    @Test
    void aValueExactlyMaxStalenessOldIsStillFresh() throws Exception {
        FeatureGraph g = graph();
        store.put(
                new EntityRef("env", "user", 1L),
                slotOf(g, "user.email"),
                new StoredValue("edge@x.com", NOW.minus(Duration.ofMinutes(10))));
        List<String> outs = List.of("user.email");
        RowResult r = run(g, outs, Map.of(), 1L).get(0);
        assertThat(value(g, outs, r, "user.email")).isEqualTo("edge@x.com");
        assertThat(runner.calls).isEmpty();
    }

    @Test
    void zeroStalenessOverrideBypassesTheStore() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "new@z.io", "age", 30));
        store.put(new EntityRef("env", "user", 1L), slotOf(g, "user.email"), new StoredValue("cached@x.com", NOW));
        List<String> outs = List.of("user.email");
        RowResult r = run(g, outs, Map.of(new FeatureId("user", "email"), Duration.ZERO), 1L)
                .get(0);
        assertThat(value(g, outs, r, "user.email")).isEqualTo("new@z.io");
        assertThat(store.readCalls()).isZero();
    }

    @Test
    void aFailingResolverFailsOnlyWhatDependsOnIt() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "c@q.net", "age", 41));
        runner.fail("scoring", "connection refused");
        List<String> outs = List.of("user.email_domain", "user.score", "user.label");
        RowResult r = run(g, outs, Map.of(), 7L).get(0);
        assertThat(value(g, outs, r, "user.email_domain")).isEqualTo("q.net");
        FeatureError score = r.errors()[slot(g, outs, r, "user.score")];
        assertThat(score.code()).isEqualTo(ErrorCode.RESOLVER_FAILED);
        assertThat(score.resolver()).isEqualTo("scoring");
        assertThat(score.message()).contains("connection refused");
        FeatureError label = r.errors()[slot(g, outs, r, "user.label")];
        assertThat(label.code()).isEqualTo(ErrorCode.UPSTREAM_FAILED);
        assertThat(label.message()).contains("user.score");
        assertThat(value(g, outs, r, "user.label")).isNull();
    }

    @Test
    void aSlowResolverTimesOutPerFeature() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "c@q.net", "age", 41));
        runner.never("scoring");
        List<String> outs = List.of("user.email", "user.score");
        RowResult r = run(g, outs, Map.of(), 7L).get(0);
        assertThat(value(g, outs, r, "user.email")).isEqualTo("c@q.net");
        assertThat(r.errors()[slot(g, outs, r, "user.score")].code()).isEqualTo(ErrorCode.RESOLVER_TIMED_OUT);
    }

    @Test
    void independentResolversRunConcurrently() throws Exception {
        // Each resolver waits until the other has started: run one after the other, both would time out.
        FeatureGraph g = TestGraphs.project("c")
                .entity("user", "id", FeatureType.Scalar.INT, Optional.empty())
                .resolver(
                        "a",
                        "user",
                        List.of("id"),
                        List.of("fa"),
                        FeatureType.Scalar.INT,
                        Optional.of(Duration.ZERO),
                        Duration.ofSeconds(2))
                .resolver(
                        "b",
                        "user",
                        List.of("id"),
                        List.of("fb"),
                        FeatureType.Scalar.INT,
                        Optional.of(Duration.ZERO),
                        Duration.ofSeconds(2))
                .build();
        CountDownLatch bothStarted = new CountDownLatch(2);
        Function<String, FakeRunner.Call> waitForOther = col -> p -> {
            bothStarted.countDown();
            return CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return bothStarted.await(1, TimeUnit.SECONDS)
                                    ? Map.<String, Object>of(col, 1)
                                    : Map.<String, Object>of();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    scheduler);
        };
        runner.async("a", waitForOther.apply("fa"));
        runner.async("b", waitForOther.apply("fb"));
        List<String> outs = List.of("user.fa", "user.fb");
        RowResult r = run(g, outs, Map.of(), 1L).get(0);
        assertThat(value(g, outs, r, "user.fa")).isEqualTo(1L);
        assertThat(value(g, outs, r, "user.fb")).isEqualTo(1L);
    }

    @Test
    void chainedResolversSeeTheFirstOnesOutput() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "c@q.net", "age", 41));
        runner.answer("scoring", p -> Map.of("score", ((Number) p[0]).doubleValue() / 100));
        List<String> outs = List.of("user.label");
        RowResult r = run(g, outs, Map.of(), 7L).get(0);
        assertThat(value(g, outs, r, "user.label")).isEqualTo("q.net:0.41");
        assertThat(runner.calls).containsExactly("profile[7]", "scoring[41]");
    }

    @Test
    void anUnreachableStoreDegradesToComputing() throws Exception {
        FeatureGraph g = graph();
        store.setAvailable(false);
        runner.answer("profile", p -> Map.of("email", "d@e.fr", "age", 20));
        List<String> outs = List.of("user.email_domain", "user.segment");
        RowResult r = run(g, outs, Map.of(), 3L).get(0);
        assertThat(value(g, outs, r, "user.email_domain")).isEqualTo("e.fr");
        assertThat(r.errors()[slot(g, outs, r, "user.segment")].code()).isEqualTo(ErrorCode.UPSTREAM_FAILED);
        // what was computed because the store failed is not written back to it: that would load it further
        assertThat(store.writeCalls()).isZero();
        store.setAvailable(true);
        run(g, outs, Map.of(), 3L);
        assertThat(store.writeCalls()).isEqualTo(1);
    }

    @Test
    void aResolverValueOfTheWrongTypeIsAFieldError() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "x@y.z", "age", "not a number"));
        runner.answer("scoring", p -> Map.of("score", 1.0));
        List<String> outs = List.of("user.email", "user.score");
        RowResult r = run(g, outs, Map.of(), 3L).get(0);
        assertThat(value(g, outs, r, "user.email")).isEqualTo("x@y.z");
        assertThat(r.errors()[slot(g, outs, r, "user.score")].code()).isEqualTo(ErrorCode.UPSTREAM_FAILED);
    }

    @Test
    void bulkRowsShareOneStoreRoundTrip() throws Exception {
        FeatureGraph g = graph();
        runner.answer("profile", p -> Map.of("email", "u" + p[0] + "@b.com", "age", 20));
        List<String> outs = List.of("user.email_domain", "user.segment");
        store.put(
                new EntityRef("env", "user", 2L),
                slotOf(g, "user.segment"),
                new StoredValue("gold", NOW.minusSeconds(5)));
        List<RowResult> rows = run(g, outs, Map.of(), 1L, 2L, 3L);
        assertThat(rows).hasSize(3);
        assertThat(store.readCalls()).isEqualTo(1);
        assertThat(value(g, outs, rows.get(1), "user.segment")).isEqualTo("gold");
        assertThat(value(g, outs, rows.get(0), "user.segment")).isNull();
        assertThat(rows.get(0).errors()[slot(g, outs, rows.get(0), "user.segment")])
                .isNull();
        assertThat(runner.calls).containsExactlyInAnyOrder("profile[1]", "profile[2]", "profile[3]");
    }

    private void awaitWrites(int n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> store.writes().size() >= n);
    }

    /** A hand-written resolver runner: canned answers per resolver, recording calls in order. */
    static final class FakeRunner implements ResolverRunner {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Call> behaviour = new ConcurrentHashMap<>();

        @FunctionalInterface
        interface Call {
            CompletionStage<Map<String, Object>> call(Object[] parameters);
        }

        void answer(String resolver, Function<Object[], Map<String, Object>> fn) {
            behaviour.put(resolver, p -> CompletableFuture.completedFuture(fn.apply(p)));
        }

        void async(String resolver, Call call) {
            behaviour.put(resolver, call);
        }

        void fail(String resolver, String message) {
            behaviour.put(resolver, p -> CompletableFuture.failedFuture(new ResolverFailure(message)));
        }

        void never(String resolver) {
            behaviour.put(resolver, p -> new CompletableFuture<>());
        }

        @Override
        public CompletionStage<Map<String, Object>> run(
                FeatureGraph graph, ResolverNode resolver, Object[] parameters) {
            calls.add(resolver.name() + Arrays.toString(parameters));
            return behaviour.get(resolver.name()).call(parameters);
        }
    }
}
