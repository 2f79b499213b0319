package dev.slate.serving.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.storage.testing.InMemoryOfflineStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The success hook runs in the transaction that marks a job SUCCEEDED: both commit, or neither. */
class JobSuccessHookTest {

    private static final String ENV = "default";
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path tmp;

    private JobsSchema schema;
    private OfflineQueryService service;
    private final ServingState state = new ServingState();

    @BeforeEach
    void setUp() throws Exception {
        schema = JobsSchema.create("jh_");
        state.install(new ActiveDeployment(ENV, "d-1", 1, ProjectCompiler.compile(Map.of("slate.yaml", """
                project: jh
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      score: {type: float, ingested: true}
                """)), T0));
        try (Connection c = schema.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE jh_metered (job_id text PRIMARY KEY, environment text, rows bigint)");
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.close();
        }
        try (Connection c = schema.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS jh_metered");
        }
        schema.drop();
    }

    private OfflineJob run(JobSuccessHook hook) {
        OfflineQueryConfig config = OfflineQueryConfig.of(tmp.resolve("jobs"), 1000, 1, 10);
        service = new OfflineQueryService(
                state,
                new InMemoryOfflineStore(),
                new OfflineJobRepository(schema.dataSource(), hook),
                config,
                Clock.systemUTC());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("user.id", List.of(1L, 2L, 3L));
        OfflineJob job = service.submit(
                ENV,
                new OfflineQueryRequest(
                        inputs,
                        List.of("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-03T00:00:00Z"),
                        List.of("user.score"),
                        Recompute.NONE,
                        Optional.empty()));
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> service.get(ENV, job.id()), j -> j.status().finished());
    }

    private List<String> metered() throws SQLException {
        try (Connection c = schema.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT job_id || ' ' || environment || ' ' || rows FROM jh_metered");
                ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static void meter(Connection c, String jobId, String environment, long rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jh_metered VALUES (?, ?, ?)")) {
            ps.setString(1, jobId);
            ps.setString(2, environment);
            ps.setLong(3, rows);
            ps.executeUpdate();
        }
    }

    @Test
    void aSucceededJobIsMeteredOnceWithItsRows() throws Exception {
        OfflineJob job = run((c, jobId, environment, rows, at) -> meter(c, jobId, environment, rows));

        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.resultRows()).contains(3L);
        assertThat(metered()).containsExactly(job.id() + " default 3");
    }

    @Test
    void aHookThatFailsRollsBackItsWritesAndTheJobFails() throws Exception {
        OfflineJob job = run((c, jobId, environment, rows, at) -> {
            meter(c, jobId, environment, rows);
            throw new SQLException("the outbox is unavailable");
        });

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.error()).hasValueSatisfying(e -> assertThat(e).contains("the outbox is unavailable"));
        assertThat(metered()).isEmpty();
    }
}
