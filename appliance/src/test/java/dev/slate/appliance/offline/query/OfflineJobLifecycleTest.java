package dev.slate.appliance.offline.query;

import static dev.slate.appliance.offline.query.OfflineQueryClient.PATH;
import static dev.slate.appliance.offline.query.OfflineQueryClient.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.slate.appliance.offline.OfflineConfig;
import dev.slate.serving.offline.OfflineQueryService;
import dev.slate.storage.testservers.TestServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs over time: results before they exist, cancellation (queued and running), and surviving a restart. */
@QuarkusTest
class OfflineJobLifecycleTest {

    @TempDir
    Path dir;

    @Inject
    OfflineQueryService service;

    @Inject
    OfflineConfig config;

    private OfflineQueryClient client;

    @BeforeEach
    void deploy() {
        client = new OfflineQueryClient(
                "t-offline-life-" + UUID.randomUUID().toString().substring(0, 8));
        client.deploy();
    }

    private Path jobsDir() {
        return config.jobsDir().orElseThrow().toAbsolutePath().normalize();
    }

    /** A spine big enough that its job runs for seconds: many rows of one key (a file of a few kilobytes). */
    private String submitSlowJob() throws Exception {
        Path spine = dir.resolve("slow.parquet");
        OfflineQueryClient.writeParquet(
                spine,
                "SELECT 1::BIGINT AS \"user.id\", TIMESTAMPTZ '2026-05-01 12:00:00+00' - to_microseconds(range % 1000)"
                        + " AS input_time FROM range(19000000)");
        return client.submitParquet(spine, "?outputs=user.score,user.recent,user.segment")
                .statusCode(202)
                .extract()
                .path("job_id");
    }

    @Test
    void cancellingQueuedAndRunningJobsStopsThemAndLeavesNoResult() throws Exception {
        client.ingest(List.of(Map.of(
                "user.id",
                1,
                "user.score",
                1.0,
                "user.recent",
                2.0,
                "user.segment",
                "s",
                "__ts__",
                "2026-05-01T11:59:00Z")));
        String slow = submitSlowJob();
        client.awaitStatus(slow, Set.of("RUNNING"));
        // the only worker is busy: this one waits
        String queued = client.submitOk(Map.of(
                "inputs",
                Map.of("user.id", List.of(1)),
                "input_times",
                List.of("2026-05-01T12:00:00Z"),
                "outputs",
                List.of("user.score")));
        assertThat(client.status(queued).getString("status")).isEqualTo("QUEUED");
        given().header(OfflineQueryClient.ENV, client.env)
                .get(PATH + "/" + queued + "/result")
                .then()
                .statusCode(409)
                .contentType(PROBLEM)
                .body("code", equalTo("CONFLICT"))
                .body("detail", containsString("is QUEUED"));

        given().header(OfflineQueryClient.ENV, client.env)
                .delete(PATH + "/" + queued)
                .then()
                .statusCode(200)
                .body("status", equalTo("CANCELLED"));
        JsonPath running = client.status(slow);
        assertThat(running.getString("status"))
                .as("still running: %s", running.prettify())
                .isEqualTo("RUNNING");
        assertThat(running.getLong("progress.rows_total")).isEqualTo(19_000_000L);
        given().header(OfflineQueryClient.ENV, client.env)
                .get(PATH + "/" + slow + "/result")
                .then()
                .statusCode(409)
                .body("detail", containsString("is RUNNING"));

        given().header(OfflineQueryClient.ENV, client.env)
                .delete(PATH + "/" + slow)
                .then()
                .statusCode(200)
                .body("status", equalTo("CANCELLED"));
        JsonPath cancelled = client.status(slow);
        assertThat(cancelled.getString("error")).isEqualTo("cancelled by request");
        assertThat(cancelled.getString("finished_at")).isNotNull();

        // the worker stops (DuckDB interrupted) and is free for the next job well before the slow one could have
        // finished
        String next = client.submitOk(Map.of(
                "inputs",
                Map.of("user.id", List.of(1)),
                "input_times",
                List.of("2026-05-01T12:00:00Z"),
                "outputs",
                List.of("user.score")));
        client.awaitSucceeded(next);
        assertThat(client.status(slow).getDouble("progress.fraction"))
                .as("the slow job stopped part way: the cancel freed the worker, not the job's end")
                .isLessThan(1.0);
        assertThat(client.status(queued).getString("status"))
                .as("a cancelled queued job never runs")
                .isEqualTo("CANCELLED");
        assertThat(client.status(queued).getString("started_at")).isNull();

        for (String id : List.of(slow, queued)) {
            given().header(OfflineQueryClient.ENV, client.env)
                    .get(PATH + "/" + id + "/result")
                    .then()
                    .statusCode(410)
                    .contentType(PROBLEM)
                    .body("detail", containsString("was cancelled"));
            given().header(OfflineQueryClient.ENV, client.env)
                    .delete(PATH + "/" + id)
                    .then()
                    .statusCode(409)
                    .body("detail", containsString("already finished (CANCELLED)"));
            try (Stream<Path> files = Files.list(jobsDir().resolve(id))) {
                assertThat(files.map(p -> p.getFileName().toString()).toList())
                        .as("files of cancelled job %s", id)
                        .containsExactly("spine.parquet");
            }
        }
    }

    @Test
    void aFailedJobSaysWhyAndHasNoResult() throws Exception {
        String deploymentId =
                client.ingest(List.of(Map.of("user.id", 1, "user.score", 1.0, "__ts__", "2026-05-01T11:00:00Z")));
        String id = UUID.randomUUID().toString();
        Path jobDir = Files.createDirectories(jobsDir().resolve(id));
        Files.writeString(jobDir.resolve("spine.parquet"), "not parquet: the job must fail, not vanish");
        insertJob(id, "QUEUED", deploymentId, scorePlan(deploymentId));

        OfflineQueryService.Recovery recovery = service.recover();

        assertThat(recovery.requeued()).contains(id);
        JsonPath failed = client.awaitFinished(id);
        assertThat(failed.getString("status")).isEqualTo("FAILED");
        assertThat(failed.getString("error")).contains("the spine cannot be used");
        given().header(OfflineQueryClient.ENV, client.env)
                .get(PATH + "/" + id + "/result")
                .then()
                .statusCode(409)
                .body("detail", containsString("failed, there is no result"));
    }

    @Test
    void runningJobsSurviveARestartAndJobsWithoutTheirSpineFailWithTheReason() throws Exception {
        String deploymentId = client.ingest(List.of(
                Map.of("user.id", 1, "user.score", 1.0, "__ts__", "2026-05-01T11:00:00Z"),
                Map.of("user.id", 2, "user.score", 2.0, "__ts__", "2026-05-01T13:00:00Z")));
        String plan = scorePlan(deploymentId);

        // a job that was RUNNING when the appliance stopped: its spine is on disk, a partial result too
        String survivor = UUID.randomUUID().toString();
        Path survivorDir = Files.createDirectories(jobsDir().resolve(survivor));
        OfflineQueryClient.writeParquet(
                survivorDir.resolve("spine.parquet"),
                "SELECT k::BIGINT AS \"user.id\", CAST(t AS TIMESTAMPTZ) AS input_time"
                        + " FROM (VALUES (1, '2026-05-01 12:00:00+00'), (2, '2026-05-01 12:00:00+00'), (2, '2026-05-01 14:00:00+00')) v(k, t)");
        Files.writeString(survivorDir.resolve("result.parquet.partial-" + UUID.randomUUID()), "half a file");
        insertJob(survivor, "RUNNING", deploymentId, plan);
        // a job whose spine is gone (the disk was replaced)
        String lost = UUID.randomUUID().toString();
        insertJob(lost, "RUNNING", deploymentId, plan);

        OfflineQueryService.Recovery recovery = service.recover();

        assertThat(recovery.requeued()).contains(survivor).doesNotContain(lost);
        assertThat(recovery.failed()).contains(lost).doesNotContain(survivor);
        JsonPath lostStatus = client.status(lost);
        assertThat(lostStatus.getString("status")).isEqualTo("FAILED");
        assertThat(lostStatus.getString("error"))
                .contains("restarted")
                .contains("spine file is gone")
                .contains("submit the query again");

        JsonPath done = client.awaitSucceeded(survivor);
        assertThat(done.getList("notes", String.class))
                .singleElement()
                .asString()
                .contains("re-queued")
                .contains("after an appliance restart")
                .contains("it was RUNNING");
        assertThat(done.getInt("attempts")).isEqualTo(2);
        assertThat(client.jsonRows(survivor).stream()
                        .map(r -> r.get("user.score"))
                        .toList())
                .containsExactly(1.0f, null, 2.0f);
        try (Stream<Path> files = Files.list(survivorDir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("result.parquet", "spine.parquet");
        }
        assertThat(service.recover().requeued())
                .as("a second recovery finds nothing to do")
                .doesNotContain(survivor);
    }

    private String scorePlan(String deploymentId) {
        String version = client.featureVersion("user.score");
        return "{\"deployment_id\": \"" + deploymentId
                + "\", \"keys\": [{\"name\": \"user.id\", \"entity\": \"user\", \"type\": \"int\"}],"
                + " \"outputs\": [{\"name\": \"user.score\", \"entity\": \"user\", \"feature\": \"score\", \"version\": \""
                + version
                + "\", \"type\": \"float\", \"max_staleness_us\": null}]}";
    }

    /** A job record as an earlier run of the appliance left it (RUNNING: it had started once). */
    private void insertJob(String id, String status, String deploymentId, String plan) throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection c = TestServers.postgres().connect();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO offline_query_jobs (id, environment, status, deployment_id, plan, spine_rows, stage,"
                                + " runner, attempts, created_at, started_at, updated_at) VALUES (?, ?, ?, ?, ?::jsonb, 3, 'joining', ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, client.env);
            ps.setString(3, status);
            ps.setString(4, deploymentId);
            ps.setString(5, plan);
            ps.setString(6, jobsDir().toString());
            ps.setInt(7, status.equals("RUNNING") ? 1 : 0);
            ps.setObject(8, now);
            ps.setObject(9, status.equals("RUNNING") ? now : null);
            ps.setObject(10, now);
            ps.executeUpdate();
        }
    }
}
