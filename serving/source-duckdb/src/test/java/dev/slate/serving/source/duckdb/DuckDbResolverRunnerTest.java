package dev.slate.serving.source.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slate.serving.engine.exec.ResolverFailure;
import dev.slate.serving.engine.exec.ResolverRunner;
import dev.slate.serving.engine.source.SourceKindResolverRunner;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.graph.FeatureGraph;
import dev.slate.serving.model.graph.ResolverNode;
import dev.slate.serving.model.spec.SourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL resolvers on Parquet files written by DuckDB into a temporary Parquet root. */
class DuckDbResolverRunnerTest {

    @TempDir
    Path root;

    @TempDir
    Path outside;

    private DuckDbResolverRunner runner;

    @BeforeEach
    void writeFiles() throws Exception {
        Files.createDirectories(root.resolve("data"));
        copy(
                "SELECT i::BIGINT AS id, 'user' || i || '@example.com' AS Email, (20 + i)::INTEGER AS age, i * 0.5 AS score,"
                        + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (i) HOUR AS created, DATE '2026-02-01' + i::INTEGER AS birthday,"
                        + " [i, i + 1] AS tags FROM range(100) t(i)",
                root.resolve("data/users.parquet"));
        runner = new DuckDbResolverRunner(new DuckDbResolverRunner.Settings(root, 1, 4, Duration.ZERO, "256MB"));
    }

    @AfterEach
    void close() {
        runner.close();
    }

    static void copy(String select, Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = c.createStatement()) {
            st.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET)");
        }
    }

    private static FeatureGraph graph(String sourceName, String path, ResolverNode... resolvers) {
        Map<String, ResolverNode> byName = new LinkedHashMap<>();
        for (ResolverNode r : resolvers) {
            byName.put(r.name(), r);
        }
        Map<String, SourceSpec> sources = new LinkedHashMap<>();
        sources.put(sourceName, new SourceSpec.Parquet(sourceName, path, SourceLocation.of("slate.yaml")));
        sources.put(
                "appdb",
                new SourceSpec.Postgres(
                        "appdb",
                        "postgresql://127.0.0.1:1/x",
                        Optional.empty(),
                        Optional.empty(),
                        1,
                        SourceLocation.of("slate.yaml")));
        return new FeatureGraph("p", "h", Map.of(), Map.of(), byName, sources);
    }

    private static ResolverNode resolver(String source, String positionalSql, Duration timeout) {
        return new ResolverNode(
                "r",
                "user",
                source,
                positionalSql,
                positionalSql,
                List.of(new FeatureId("user", "id")),
                List.of(new ResolverNode.Output("email", new FeatureId("user", "email"))),
                timeout,
                SourceLocation.of("slate.yaml"));
    }

    private Map<String, Object> run(FeatureGraph g, ResolverNode r, Object... parameters) throws Exception {
        return runner.run(g, r, parameters).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private Throwable failure(FeatureGraph g, ResolverNode r, Object... parameters) {
        CompletableFuture<Map<String, Object>> f = runner.run(g, r, parameters).toCompletableFuture();
        Throwable t = Assertions.catchThrowable(() -> f.get(30, TimeUnit.SECONDS));
        assertThat(t).as("the run fails").isInstanceOf(ExecutionException.class);
        return t.getCause();
    }

    @Test
    void answersFromTheViewNamedAfterTheSourceWithBoundParameters() throws Exception {
        ResolverNode r = resolver(
                "users",
                "SELECT Email, age, score, created, birthday, tags FROM users WHERE id = $1",
                Duration.ofSeconds(10));
        FeatureGraph g = graph("users", "data/users.parquet", r);
        Map<String, Object> row = run(g, r, 7L);
        assertThat(row)
                .containsEntry("email", "user7@example.com") // unquoted names are read folded to lower case
                .containsEntry("age", 27)
                .containsEntry("created", Instant.parse("2026-01-01T07:00:00Z")) // a naive TIMESTAMP is UTC
                .containsEntry("birthday", LocalDate.parse("2026-02-08"))
                .containsEntry("tags", List.of(7L, 8L));
        assertThat(((Number) row.get("score")).doubleValue()).isEqualTo(3.5);
        assertThat(run(g, r, 99L)).containsEntry("email", "user99@example.com");
        assertThat(run(g, r, 1000L)).as("no row").isEmpty();
    }

    @Test
    void aParameterIsAValueNeverSQL() throws Exception {
        ResolverNode r = resolver(
                "users", "SELECT Email FROM users WHERE Email = $1 OR $1 IS NULL AND id = 3", Duration.ofSeconds(10));
        FeatureGraph g = graph("users", "data/users.parquet", r);
        assertThat(run(g, r, "user5@example.com")).containsEntry("email", "user5@example.com");
        assertThat(run(g, r, "' OR 1=1 --")).isEmpty();
        assertThat(run(g, r, new Object[] {null})).containsEntry("email", "user3@example.com");
    }

    @Test
    void moreThanOneRowIsAFailure() {
        ResolverNode r = resolver("users", "SELECT Email FROM users WHERE id < $1", Duration.ofSeconds(10));
        assertThat(failure(graph("users", "data/users.parquet", r), r, 3L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("returned 3 rows");
    }

    @Test
    void aMissingFileIsAFailureThatNamesTheSource() {
        ResolverNode r = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(10));
        assertThat(failure(graph("users", "data/nope.parquet", r), r, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("source users")
                .hasMessageContaining("no such file");
        assertThat(failure(graph("users", "data/none-*.parquet", r), r, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("no Parquet file matches");
    }

    @Test
    void aCorruptFileIsAFailureAndOtherSourcesStillAnswer() throws Exception {
        Files.writeString(root.resolve("data/broken.parquet"), "this is not parquet");
        ResolverNode broken = resolver("broken", "SELECT Email FROM broken WHERE id = $1", Duration.ofSeconds(10));
        assertThat(failure(graph("broken", "data/broken.parquet", broken), broken, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageNotContaining("LINE 1");
        ResolverNode ok = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(10));
        assertThat(run(graph("users", "data/users.parquet", ok), ok, 2L)).containsEntry("email", "user2@example.com");
    }

    @Test
    void aFolderOrAGlobReadsEveryMatchingFileAndSeesNewOnes() throws Exception {
        Files.createDirectories(root.resolve("events/day=1"));
        copy("SELECT 1::BIGINT AS id, 10 AS clicks", root.resolve("events/day=1/part-0.parquet"));
        ResolverNode r = resolver(
                "events", "SELECT sum(clicks)::BIGINT AS clicks FROM events WHERE id = $1", Duration.ofSeconds(10));
        FeatureGraph folder = graph("events", "events", r);
        FeatureGraph glob = graph("events", "events/**/part-*.parquet", r);
        assertThat(run(folder, r, 1L)).containsEntry("clicks", 10L);
        assertThat(run(glob, r, 1L)).containsEntry("clicks", 10L);

        Files.createDirectories(root.resolve("events/day=2"));
        copy("SELECT 1::BIGINT AS id, 5 AS clicks", root.resolve("events/day=2/part-0.parquet"));
        copy("SELECT 1::BIGINT AS id, 1000 AS clicks", root.resolve("events/day=2/other.parquet")); // not part-*
        assertThat(run(folder, r, 1L)).containsEntry("clicks", 1015L);
        assertThat(run(glob, r, 1L)).containsEntry("clicks", 15L);
    }

    @Test
    void twoDeploymentsWithASourceOfTheSameNameReadTheirOwnFiles() throws Exception {
        copy("SELECT 7::BIGINT AS id, 'other@example.com' AS Email", root.resolve("data/other.parquet"));
        ResolverNode r = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(10));
        FeatureGraph a = graph("users", "data/users.parquet", r);
        FeatureGraph b = graph("users", "data/other.parquet", r);
        for (int i = 0; i < 3; i++) {
            assertThat(run(a, r, 7L)).containsEntry("email", "user7@example.com");
            assertThat(run(b, r, 7L)).containsEntry("email", "other@example.com");
        }
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused() throws Exception {
        copy("SELECT 1::BIGINT AS id, 'secret' AS Email", outside.resolve("secret.parquet"));
        Files.createSymbolicLink(root.resolve("data/link.parquet"), outside.resolve("secret.parquet"));
        ResolverNode r = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(10));
        assertThat(failure(graph("users", "data/link.parquet", r), r, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("outside the Parquet root");
    }

    @Test
    void resolverSqlCannotReadFilesOutsideTheRoot() throws Exception {
        copy("SELECT 1::BIGINT AS id, 'secret' AS Email", outside.resolve("secret.parquet"));
        ResolverNode parquet = resolver(
                "users",
                "SELECT Email FROM read_parquet('" + outside.resolve("secret.parquet") + "') WHERE id = $1",
                Duration.ofSeconds(10));
        assertThat(failure(graph("users", "data/users.parquet", parquet), parquet, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("Permission");
        ResolverNode csv = resolver(
                "users",
                "SELECT column0 AS email FROM read_csv('/etc/hostname', header = false) WHERE $1 = 1",
                Duration.ofSeconds(10));
        assertThat(failure(graph("users", "data/users.parquet", csv), csv, 1L))
                .isInstanceOf(ResolverFailure.class)
                .hasMessageContaining("Permission");
        // and the view still answers afterwards
        ResolverNode ok = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(10));
        assertThat(run(graph("users", "data/users.parquet", ok), ok, 4L)).containsEntry("email", "user4@example.com");
    }

    @Test
    void aSlowStatementIsCancelledAtItsTimeoutAndTheWorkerIsFreed() throws Exception {
        // a cross join that would run for minutes; one worker, so the next run proves the worker is free again
        ResolverNode slow = resolver(
                "users",
                "SELECT count(*) AS email FROM range(100000000000) a, users u WHERE a.range % 13 = $1",
                Duration.ofMillis(300));
        FeatureGraph g = graph("users", "data/users.parquet", slow);
        long start = System.nanoTime();
        CompletableFuture<Map<String, Object>> f =
                runner.run(g, slow, new Object[] {5L}).toCompletableFuture();
        assertThat(f).as("run() does not block its caller").isNotDone();
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        ResolverNode fast = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(20));
        assertThat(run(g, fast, 9L)).containsEntry("email", "user9@example.com");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the slow statement was cancelled, not waited for")
                .isLessThan(Duration.ofSeconds(20));
        // the same (cancelled) resolver can run again: its statement is prepared anew
        assertThatThrownBy(() -> runner.run(g, slow, new Object[] {5L})
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void aFullQueueRefusesRunsAtOnce() throws Exception {
        ResolverNode slow = resolver(
                "users",
                "SELECT count(*) AS email FROM range(100000000000) a, users u WHERE a.range % 13 = $1",
                Duration.ofSeconds(2));
        FeatureGraph g = graph("users", "data/users.parquet", slow);
        List<CompletableFuture<Map<String, Object>>> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // one runs, four wait (queue capacity 4)
            runs.add(runner.run(g, slow, new Object[] {(long) i}).toCompletableFuture());
        }
        CompletableFuture<Map<String, Object>> refused =
                runner.run(g, slow, new Object[] {9L}).toCompletableFuture();
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join)
                .hasCauseInstanceOf(ResolverFailure.class)
                .hasMessageContaining("too many");
        for (CompletableFuture<Map<String, Object>> run : runs) {
            assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aMissingRootIsAFailure() throws Exception {
        DuckDbResolverRunner missing =
                new DuckDbResolverRunner(DuckDbResolverRunner.Settings.defaults(root.resolve("nope")));
        try {
            ResolverNode r = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(10));
            assertThatThrownBy(() -> missing.run(graph("users", "data/users.parquet", r), r, new Object[] {1L})
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ResolverFailure.class)
                    .hasMessageContaining("does not exist");
        } finally {
            missing.close();
        }
    }

    @Test
    void theDispatcherPicksTheRunnerBySourceKind() throws Exception {
        ResolverRunner postgres = (g, r, p) -> CompletableFuture.completedFuture(Map.of("email", "from postgres"));
        SourceKindResolverRunner dispatcher = new SourceKindResolverRunner(postgres, runner);
        ResolverNode onParquet = resolver("users", "SELECT Email FROM users WHERE id = $1", Duration.ofSeconds(10));
        ResolverNode onPostgres = resolver("appdb", "SELECT email FROM users WHERE id = $1", Duration.ofSeconds(10));
        FeatureGraph g = graph("users", "data/users.parquet", onParquet);
        assertThat(dispatcher
                        .run(g, onParquet, new Object[] {1L})
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS))
                .containsEntry("email", "user1@example.com");
        assertThat(dispatcher
                        .run(g, onPostgres, new Object[] {1L})
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS))
                .containsEntry("email", "from postgres");
        ResolverNode unknown = resolver("gone", "SELECT 1", Duration.ofSeconds(1));
        assertThatThrownBy(() -> dispatcher
                        .run(g, unknown, new Object[] {1L})
                        .toCompletableFuture()
                        .join())
                .hasCauseInstanceOf(ResolverFailure.class);
    }
}
