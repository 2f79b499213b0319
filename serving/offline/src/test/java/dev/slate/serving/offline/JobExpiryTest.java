package dev.slate.serving.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slate.serving.engine.query.ServingState;
import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.deploy.ActiveDeployment;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.error.SlateException;
import dev.slate.storage.testing.InMemoryOfflineStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished offline query jobs are removed, files and record, once older than the retention; nothing else is. */
class JobExpiryTest {

    private static final String ENV = "default";
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path tmp;

    private JobsSchema schema;
    private OfflineQueryService service;
    private Instant now = T0;

    /** A clock the test moves. */
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @BeforeEach
    void setUp() throws Exception {
        schema = JobsSchema.create("jx_");
        ServingState state = new ServingState();
        state.install(new ActiveDeployment(ENV, "d-1", 1, ProjectCompiler.compile(Map.of("slate.yaml", """
                project: jx
                entities:
                  user:
                    key: id
                    features:
                      id: int
                      score: {type: float, ingested: true}
                """)), T0));
        OfflineQueryConfig config =
                OfflineQueryConfig.of(tmp.resolve("jobs"), 1000, 1, 10).withResultRetention(Duration.ofDays(7));
        service = new OfflineQueryService(
                state, new InMemoryOfflineStore(), new OfflineJobRepository(schema.dataSource()), config, clock);
    }

    @AfterEach
    void tearDown() throws Exception {
        service.close();
        schema.drop();
    }

    private OfflineJob submitAndFinish() throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("user.id", List.of(1L, 2L));
        OfflineJob job = service.submit(
                ENV,
                new OfflineQueryRequest(
                        inputs,
                        List.of("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
                        List.of("user.score"),
                        Recompute.NONE,
                        Optional.empty()));
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> service.get(ENV, job.id()), j -> j.status().finished());
    }

    @Test
    void aFinishedJobIsRemovedOnlyOnceOlderThanTheRetention() throws Exception {
        OfflineJob old = submitAndFinish();
        assertThat(old.status()).isEqualTo(JobStatus.SUCCEEDED);
        Path oldDir = tmp.resolve("jobs").resolve(old.id());
        assertThat(oldDir.resolve(OfflineQueryService.RESULT_FILE)).exists();

        now = T0.plus(Duration.ofDays(3));
        OfflineJob recent = submitAndFinish();

        now = T0.plus(Duration.ofDays(7)); // exactly the retention: kept
        assertThat(service.expireFinished()).isEmpty();
        assertThat(service.result(ENV, old.id()).file()).exists();

        now = T0.plus(Duration.ofDays(7)).plusSeconds(1);
        assertThat(service.expireFinished()).containsExactly(old.id());
        assertThat(oldDir).doesNotExist();
        assertThatThrownBy(() -> service.get(ENV, old.id()))
                .isInstanceOfSatisfying(
                        SlateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(service.get(ENV, recent.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(service.result(ENV, recent.id()).file()).exists();

        assertThat(service.expireFinished()).as("nothing more to remove").isEmpty();
    }
}
