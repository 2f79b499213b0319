package dev.slate.serving.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.storage.testservers.TestServers;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs resolvers against the test PostgreSQL ({@link TestServers}). Connections are told apart from everyone else's by the source's unique name,
 * which the runner puts into {@code application_name}.
 */
class PostgresResolverRunnerTest {
    /** Long enough for a new PostgreSQL backend on a loaded 2-core machine; short enough to wait out in one test. */
    private static final Duration ACQUIRE_TIMEOUT = Duration.ofMillis(2_000);

    private static final String URL = TestServers.postgres().url();
    private static final int MAX_CONNECTIONS = 2;

    private Vertx vertx;
    private PostgresResolverRunner runner;
    private Pool observer; // a separate pool that looks at pg_stat_activity
    private final List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    private final String source =
            "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        vertx.exceptionHandler(unhandled::add);
        runner = new PostgresResolverRunner(vertx, text -> text, ACQUIRE_TIMEOUT);
        observer = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(1))
                .connectingTo(PgConnectOptions.fromUri(URL)
                        .setUser(TestServers.postgres().user()))
                .using(vertx)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        runner.close();
        observer.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private FeatureGraph graph(String url, ResolverNode... resolvers) {
        Map<String, ResolverNode> byName = new LinkedHashMap<>();
        for (ResolverNode r : resolvers) {
            byName.put(r.name(), r);
        }
        return new FeatureGraph(
                "p",
                "h",
                Map.of(),
                Map.of(),
                byName,
                Map.of(
                        source,
                        new SourceSpec.Postgres(
                                source,
                                url,
                                Optional.of(TestServers.postgres().user()),
                                Optional.empty(),
                                MAX_CONNECTIONS,
                                SourceLocation.of("slate.yaml"))));
    }

    private ResolverNode resolver(String name, String positionalSql, Duration timeout) {
        return new ResolverNode(
                name,
                "item",
                source,
                positionalSql,
                positionalSql,
                List.of(new FeatureId("item", "id")),
                List.of(new ResolverNode.Output("id", new FeatureId("item", "id"))),
                timeout,
                SourceLocation.of("r.sql"));
    }

    private static Map<String, Object> await(CompletableFuture<Map<String, Object>> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Backends of this test's source: state and query. */
    private List<String> backends() throws Exception {
        List<String> out = new ArrayList<>();
        for (Row row : observer.preparedQuery("SELECT state, query FROM pg_stat_activity WHERE application_name = $1")
                .execute(Tuple.of("slate-resolver " + source))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)) {
            out.add(row.getString(0) + ": " + row.getString(1));
        }
        return out;
    }

    @Test
    void answersWithTheRowsColumnsBoundByParameter() throws Exception {
        ResolverNode r = resolver("byId", "SELECT $1::bigint AS id, 'n' || $1::text AS name", Duration.ofSeconds(2));
        Map<String, Object> row =
                await(runner.run(graph(URL, r), r, new Object[] {42L}).toCompletableFuture());
        assertThat(row).containsEntry("id", 42L).containsEntry("name", "n42");

        ResolverNode none = resolver("none", "SELECT $1::bigint AS id WHERE false", Duration.ofSeconds(2));
        assertThat(await(runner.run(graph(URL, none), none, new Object[] {1L}).toCompletableFuture()))
                .isEmpty();
    }

    @Test
    void aStatementSlowerThanTheTimeoutIsCancelledAndItsConnectionReused() throws Exception {
        ResolverNode slow =
                resolver("slow", "SELECT $1::bigint AS id, pg_sleep(30) IS NULL AS slept", Duration.ofMillis(300));
        ResolverNode fast = resolver("fast", "SELECT $1::bigint AS id", Duration.ofSeconds(5));
        FeatureGraph g = graph(URL, slow, fast);

        // twice as many slow runs as connections: the second half waits for a connection the first half holds
        long start = System.nanoTime();
        List<CompletableFuture<Map<String, Object>>> slowRuns = new ArrayList<>();
        for (int i = 0; i < 2 * MAX_CONNECTIONS; i++) {
            slowRuns.add(runner.run(g, slow, new Object[] {(long) i}).toCompletableFuture());
        }
        for (CompletableFuture<Map<String, Object>> run : slowRuns) {
            assertThatThrownBy(() -> run.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        // pg_sleep(30) would hold both connections for 30 s: the next runs only get one because it was cancelled
        long afterTimeouts = System.nanoTime();
        List<CompletableFuture<Map<String, Object>>> fastRuns = new ArrayList<>();
        for (long i = 0; i < 20; i++) {
            fastRuns.add(runner.run(g, fast, new Object[] {i}).toCompletableFuture());
        }
        for (long i = 0; i < 20; i++) {
            assertThat(await(fastRuns.get((int) i))).containsEntry("id", i);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - afterTimeouts)).isLessThan(Duration.ofSeconds(5));

        // no backend still sleeping (cancels are asynchronous: allow them a moment), none beyond the pool's size
        List<String> backends = Awaitility.await("no backend still sleeping")
                .atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(100))
                .until(this::backends, all -> all.stream().noneMatch(b -> b.startsWith("active")));
        assertThat(backends).hasSizeLessThanOrEqualTo(MAX_CONNECTIONS).noneMatch(b -> b.startsWith("active"));
        assertThat(unhandled).isEmpty();
    }

    @Test
    void aStatementThatFailsReleasesItsConnection() throws Exception {
        ResolverNode broken = resolver("broken", "SELECT $1::bigint / 0 AS id", Duration.ofSeconds(2));
        ResolverNode fast = resolver("fast", "SELECT $1::bigint AS id", Duration.ofSeconds(2));
        FeatureGraph g = graph(URL, broken, fast);
        for (int i = 0; i < 3 * MAX_CONNECTIONS; i++) {
            CompletableFuture<Map<String, Object>> run =
                    runner.run(g, broken, new Object[] {1L}).toCompletableFuture();
            assertThatThrownBy(() -> run.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ResolverFailure.class)
                    .hasMessageContaining("division by zero")
                    .hasMessageContaining("SQLSTATE 22012");
        }
        assertThat(await(runner.run(g, fast, new Object[] {7L}).toCompletableFuture()))
                .containsEntry("id", 7L);
        assertThat(unhandled).isEmpty();
    }

    @Test
    void anUnreachableDatabaseFailsOnceAndLeavesNoLateError() throws Exception {
        ResolverNode r = resolver("byId", "SELECT $1::bigint AS id", Duration.ofSeconds(2));
        FeatureGraph g = graph(URL.substring(0, URL.lastIndexOf('/') + 1) + "slate_no_such_database", r);
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Map<String, Object>> run =
                    runner.run(g, r, new Object[] {1L}).toCompletableFuture();
            assertThatThrownBy(() -> run.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ResolverFailure.class)
                    .hasMessageContaining("slate_no_such_database");
        }
        // until the pool's acquire timeout has passed: a timer armed by the failed acquisitions
        // would then fail their promises a second time ("Result is already complete")
        Awaitility.await("no late error")
                .during(ACQUIRE_TIMEOUT.plusMillis(500))
                .atMost(ACQUIRE_TIMEOUT.plusSeconds(10))
                .until(unhandled::isEmpty);
    }
}
