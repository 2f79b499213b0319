package dev.slate.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code slate offline-query} and {@code slate ingest} against an in-process fake of the REST API. */
class OfflineQueryCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JOB = "/v1/query/offline/job-1";

    @RegisterExtension
    final FakeSlateServer server = FakeSlateServer.perTest();

    @TempDir
    Path temp;

    private static String job(String status, String stage, double fraction) {
        return "{\"job_id\": \"job-1\", \"status\": \"" + status
                + "\", \"dataset_name\": \"train\", \"progress\": {\"stage\": \"" + stage
                + "\", \"fraction\": " + fraction + ", \"rows_total\": 3}, \"result\": "
                + (status.equals("SUCCEEDED") ? "{\"rows\": 3}" : "null")
                + ", \"error\": " + (status.equals("FAILED") ? "\"the spine cannot be used: bad\"" : "null") + "}";
    }

    @Test
    void aJsonSpineOfRowsIsSubmittedFollowedAndTheDatasetDownloaded() throws Exception {
        Path spine = temp.resolve("spine.json");
        Files.writeString(spine, """
                [{"user.id": 1, "input_time": "2026-01-01T00:00:00Z"},
                 {"user.id": 2, "input_time": "2026-01-02T00:00:00+01:00"},
                 {"user.id": 1, "input_time": "2026-01-03T00:00:00Z"}]
                """);
        server.answer("POST", "/v1/query/offline", 202, job("QUEUED", "queued", 0))
                .answerInTurn(
                        "GET",
                        JOB,
                        job("QUEUED", "queued", 0),
                        job("RUNNING", "joining", 0.5),
                        job("SUCCEEDED", "done", 1))
                .answerText("GET", JOB + "/result", 200, "PAR1 pretend parquet PAR1");
        Path output = temp.resolve("dataset.parquet");

        CliRun run = server.cli(
                "offline-query",
                "--spine",
                spine.toString(),
                "--out",
                "user.score",
                "--out",
                "user.segment",
                "--output",
                output.toString(),
                "--dataset-name",
                "train",
                "--poll",
                "50ms");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode body = MAPPER.readTree(server.requests.get(0).body());
        assertThat(body.get("inputs").get("user.id").toString()).isEqualTo("[1,2,1]");
        assertThat(body.get("input_times").size()).isEqualTo(3);
        assertThat(body.get("input_times").get(1).asText()).isEqualTo("2026-01-02T00:00:00+01:00");
        assertThat(body.get("outputs").toString()).isEqualTo("[\"user.score\",\"user.segment\"]");
        assertThat(body.get("dataset_name").asText()).isEqualTo("train");
        assertThat(Files.readString(output)).isEqualTo("PAR1 pretend parquet PAR1");
        assertThat(server.last().path()).isEqualTo(JOB + "/result");
        assertThat(run.out()).contains("wrote " + output).contains("3 rows");
        assertThat(run.err())
                .contains("job job-1 submitted")
                .contains("] 100%")
                .contains("50%  joining")
                .contains("\r");
    }

    @Test
    void aParquetSpineIsUploadedAsIsWithTheOutputsAsParameters() throws Exception {
        Path spine = temp.resolve("spine.parquet");
        Files.writeString(spine, "PAR1 spine bytes PAR1");
        server.answer("POST", "/v1/query/offline", 202, job("QUEUED", "queued", 0))
                .answerInTurn("GET", JOB, job("SUCCEEDED", "done", 1))
                .answerText("GET", JOB + "/result", 200, "{\"rows\": []}");
        Path output = temp.resolve("dataset.json");

        CliRun run = server.cli(
                "offline-query",
                "--spine",
                spine.toString(),
                "--out",
                "user.score",
                "--out",
                "merchant.risk",
                "--output",
                output.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        FakeSlateServer.Recorded upload = server.requests.get(0);
        assertThat(upload.header("Content-Type")).isEqualTo("application/vnd.apache.parquet");
        assertThat(upload.body()).isEqualTo("PAR1 spine bytes PAR1");
        assertThat(Files.readString(output)).isEqualTo("{\"rows\": []}");
    }

    @Test
    void aFailedJobAndARefusedSpineExitWithTheReason() throws Exception {
        Path spine = temp.resolve("spine.json");
        Files.writeString(spine, "{\"inputs\": {\"user.id\": [1]}, \"input_times\": [\"2026-01-01T00:00:00Z\"]}");
        server.answer("POST", "/v1/query/offline", 202, job("QUEUED", "queued", 0))
                .answerInTurn("GET", JOB, job("FAILED", "joining", 0.3));

        CliRun failed =
                server.cli("offline-query", "--spine", spine.toString(), "--out", "user.score", "--poll", "50ms");

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.err()).contains("job job-1 FAILED: the spine cannot be used: bad");
        assertThat(server.requests.stream().noneMatch(r -> r.path().endsWith("/result")))
                .isTrue();

        server.answer(
                "POST",
                "/v1/query/offline",
                400,
                "{\"code\": \"RESOLVER_NOT_FOUND\", \"status\": 400,"
                        + " \"detail\": \"unknown feature 'user.scor' (did you mean 'user.score'?)\"}");
        CliRun refused = server.cli("offline-query", "--spine", spine.toString(), "--out", "user.scor");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("RESOLVER_NOT_FOUND").contains("did you mean 'user.score'");
    }

    @Test
    void recomputeIsSentAsAListOrTrueAndFailedValuesExitWithThree() throws Exception {
        Path spine = temp.resolve("spine.json");
        Files.writeString(
                spine,
                "{\"inputs\": {\"user.id\": [1, 2]}, \"input_times\": [\"2026-01-01T00:00:00Z\", \"2026-01-01T00:00:00Z\"]}");
        String succeeded = job("SUCCEEDED", "done", 1)
                .replace(
                        "\"error\": null",
                        "\"error\": null, \"feature_errors\": {\"total\": 1, \"rows\": 1,"
                                + " \"features\": [{\"feature\": \"user.inverse\", \"count\": 1, \"first\": [{\"row\": 1, \"code\": \"RESOLVER_FAILED\","
                                + " \"resolver\": \"inverse\", \"message\": \"resolver inverse failed: division by zero\"}]}]}");
        server.answer("POST", "/v1/query/offline", 202, job("QUEUED", "queued", 0))
                .answerInTurn("GET", JOB, succeeded)
                .answerText("GET", JOB + "/result", 200, "PAR1 x PAR1");
        Path output = temp.resolve("d.parquet");

        CliRun listed = server.cli(
                "offline-query",
                "--spine",
                spine.toString(),
                "--out",
                "user.inverse",
                "--out",
                "user.score",
                "--recompute",
                "user.inverse",
                "--output",
                output.toString(),
                "--poll",
                "50ms");

        assertThat(listed.exitCode()).as(listed.err()).isEqualTo(OfflineQueryCommand.EXIT_FEATURE_ERRORS);
        assertThat(MAPPER.readTree(server.requests.get(0).body())
                        .get("recompute")
                        .toString())
                .isEqualTo("[\"user.inverse\"]");
        assertThat(Files.readString(output)).as("the dataset is still written").isEqualTo("PAR1 x PAR1");
        assertThat(listed.err())
                .contains("1 recomputed values failed")
                .contains("user.inverse: 1 rows, first at row 1: RESOLVER_FAILED")
                .contains("division by zero");

        server.answer("POST", "/v1/query/offline", 202, job("QUEUED", "queued", 0))
                .answerInTurn("GET", JOB, job("SUCCEEDED", "done", 1));
        CliRun all = server.cli(
                "offline-query",
                "--spine",
                spine.toString(),
                "--out",
                "user.inverse",
                "--recompute",
                "--output",
                output.toString(),
                "--poll",
                "50ms");
        assertThat(all.exitCode()).as(all.err()).isZero();
        FakeSlateServer.Recorded submitted = server.requests.stream()
                .filter(r -> r.method().equals("POST"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(MAPPER.readTree(submitted.body()).get("recompute").asBoolean())
                .isTrue();

        Path parquetSpine = temp.resolve("spine.parquet");
        Files.writeString(parquetSpine, "PAR1 spine PAR1");
        server.answer("POST", "/v1/query/offline", 202, job("QUEUED", "queued", 0));
        CliRun upload = server.cli(
                "offline-query",
                "--spine",
                parquetSpine.toString(),
                "--out",
                "user.a",
                "--out",
                "user.b",
                "--recompute",
                "user.a,user.b",
                "--no-wait");
        assertThat(upload.exitCode()).as(upload.err()).isZero();
        FakeSlateServer.Recorded uploaded = server.requests.stream()
                .filter(r -> r.method().equals("POST"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(uploaded.query()).contains("recompute=user.a%2Cuser.b");
    }

    @Test
    void ingestSendsTheRowsInBatchesAndAddsUpTheAnswers() throws Exception {
        Path rows = temp.resolve("rows.jsonl");
        Files.writeString(rows, """
                {"user.id": 1, "user.score": 1.5, "__ts__": "2026-01-01T00:00:00Z"}
                {"user.id": 2, "user.score": 2.5}
                {"user.id": 3, "user.score": 3.5}
                """);
        server.answer(
                "POST", "/v1/ingest", 200, "{\"rows\": 2, \"values\": 2, \"online_writes\": 0, \"offline_values\": 2}");

        CliRun run = server.cli("ingest", rows.toString(), "--offline-only", "--batch-size", "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.requests).hasSize(2);
        JsonNode first = MAPPER.readTree(server.requests.get(0).body());
        assertThat(first.get("rows").size()).isEqualTo(2);
        assertThat(first.get("store_online").asBoolean()).isFalse();
        assertThat(first.get("store_offline").asBoolean()).isTrue();
        assertThat(MAPPER.readTree(server.requests.get(1).body())
                        .get("rows")
                        .get(0)
                        .get("user.id")
                        .asInt())
                .isEqualTo(3);
        assertThat(run.out()).contains("ingested 3 rows: 4 values (0 online, 4 offline)");
    }

    @Test
    void aRefusedIngestBatchNamesTheRowsOfTheFile() throws Exception {
        Path rows = temp.resolve("rows.json");
        Files.writeString(
                rows,
                "{\"rows\": [{\"user.id\": 1, \"user.score\": 1}, {\"user.id\": 2, \"user.score\": 2}, {\"user.id\": 3, \"user.scor\": 3}]}");
        server.answerInTurn(
                "POST",
                "/v1/ingest",
                new FakeSlateServer.Answer(
                        200,
                        "application/json",
                        "{\"rows\": 2, \"values\": 2, \"online_writes\": 2, \"offline_values\": 2}"),
                new FakeSlateServer.Answer(
                        400,
                        "application/problem+json",
                        "{\"code\": \"INVALID_QUERY\", \"status\": 400, \"detail\":"
                                + " \"unknown feature 'user.scor'\", \"errors\": [{\"field\": \"rows[0]\", \"name\": \"user.scor\","
                                + " \"message\": \"unknown feature 'user.scor'\"}]}"));

        CliRun run = server.cli("ingest", rows.toString(), "--batch-size", "2");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(server.requests).hasSize(2);
        assertThat(run.err())
                .contains("rows 2..2 were refused; 2 rows before them were ingested")
                .contains("INVALID_QUERY")
                .contains("rows[2]")
                .doesNotContain("rows[0]");
    }

    @Test
    void aParquetFileIsUploadedWholeWithTheStoresAsQueryParameters() throws Exception {
        Path rows = temp.resolve("rows.parquet");
        Files.writeString(rows, "PAR1 pretend parquet PAR1");
        server.answer(
                "POST",
                "/v1/ingest",
                200,
                "{\"rows\": 25000, \"values\": 50000, \"online_writes\": 50000, \"offline_values\": 0}");

        CliRun run = server.cli("ingest", rows.toString(), "--online-only");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(server.requests).hasSize(1);
        FakeSlateServer.Recorded upload = server.requests.get(0);
        assertThat(upload.header("Content-Type")).isEqualTo("application/vnd.apache.parquet");
        assertThat(upload.query()).isEqualTo("store_online=true&store_offline=false");
        assertThat(upload.body()).isEqualTo("PAR1 pretend parquet PAR1");
        assertThat(run.out()).contains("ingested 25,000 rows: 50,000 values (50,000 online, 0 offline)");
    }

    @Test
    void aRefusedParquetFileShowsTheProblemAndStoresNothing() throws Exception {
        Path rows = temp.resolve("rows.parquet");
        Files.writeString(rows, "not parquet");
        server.answer(
                "POST",
                "/v1/ingest",
                400,
                "{\"code\": \"INVALID_QUERY\", \"status\": 400, \"detail\":"
                        + " \"the upload is not a readable Parquet file: bad magic\"}");

        CliRun run = server.cli("ingest", rows.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("was refused").contains("INVALID_QUERY").contains("not a readable Parquet file");
    }
}
