package dev.slate.appliance.offline.query;

import static dev.slate.appliance.offline.query.OfflineQueryClient.PATH;
import static dev.slate.appliance.offline.query.OfflineQueryClient.PROBLEM;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline queries end to end: values ingested into the real Iceberg offline store ({@code store_online:
 * false}), a point-in-time query as a job over the REST API, the dataset read back as JSON and as Parquet
 * (with DuckDB). The correctness cases of issue 3 through the API.
 */
@QuarkusTest
class OfflineQueryTest {

    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    @TempDir
    Path dir;

    private OfflineQueryClient client;

    @BeforeEach
    void deploy() {
        client = new OfflineQueryClient(
                "t-offline-" + UUID.randomUUID().toString().substring(0, 8));
        client.deploy();
    }

    private static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private void ingestUsers() {
        client.ingest(List.of(
                row("user.id", 1, "user.score", 1.0, "__ts__", "2026-05-01T10:00:00Z"),
                row("user.id", 1, "user.score", 2.0, "__ts__", "2026-05-01T12:00:00Z"),
                row("user.id", 1, "user.recent", 10.0, "__ts__", "2026-05-01T11:50:00Z"),
                row(
                        "user.id",
                        1,
                        "user.segment",
                        "a",
                        "user.seen_at",
                        "2026-01-02T03:04:05.123456Z",
                        "__ts__",
                        "2026-04-30T12:00:00Z"),
                row("user.id", 2, "user.score", 5.0, "__ts__", "2026-05-01T11:00:00Z"),
                row("user.id", 2, "user.recent", 20.0, "__ts__", "2026-05-01T11:49:59.999999Z"),
                row("user.id", 3, "user.recent", 30.0, "__ts__", "2026-05-01T11:55:00Z")));
    }

    private static final List<String> OUTPUTS = List.of("user.score", "user.recent", "user.segment", "user.seen_at");

    @Test
    void aJsonSpineGivesThePointInTimeValuesInSpineOrderAsJsonParquetAndArrow() throws Exception {
        ingestUsers();
        Map<String, Object> body = Map.of(
                "inputs",
                Map.of("user.id", List.of(1, 1, 2, 2, 999, 1, 3, 1)),
                "input_times",
                List.of(
                        "2026-05-01T12:00:00Z", // exactly at the score observation; recent exactly 10m old
                        "2026-05-01T11:59:59.999999Z", // 1 µs before the newer score
                        "2026-05-01T14:00:00+02:00", // = T; recent is 10m + 1 µs old: null
                        "2026-05-01T07:00:00-05:00", // the same row again, written in another zone
                        "2026-05-01T12:00:00Z", // a key never seen: nulls, row kept
                        "2026-05-01T12:00:00", // no offset: UTC
                        "2026-05-01T12:00:00Z",
                        "2026-04-30T00:00:00Z"), // before every observation of user 1
                "outputs",
                OUTPUTS,
                "dataset_name",
                "training-v1");

        String id = client.submitOk(body);
        JsonPath status = client.awaitSucceeded(id);

        assertThat(status.getLong("result.rows")).isEqualTo(8);
        assertThat(status.getString("dataset_name")).isEqualTo("training-v1");
        assertThat(status.getList("result.columns.name"))
                .containsExactly("user.id", "input_time", "user.score", "user.recent", "user.segment", "user.seen_at");
        assertThat(status.getDouble("progress.fraction")).isEqualTo(1.0);
        String t = "2026-05-01T12:00:00Z";
        String seen = "2026-01-02T03:04:05.123456Z";
        List<Map<String, Object>> expected = List.of(
                expectedRow(1, t, 2.0, 10.0, "a", seen),
                expectedRow(1, "2026-05-01T11:59:59.999999Z", 1.0, 10.0, "a", seen),
                expectedRow(2, t, 5.0, null, null, null),
                expectedRow(2, t, 5.0, null, null, null),
                expectedRow(999, t, null, null, null, null),
                expectedRow(1, t, 2.0, 10.0, "a", seen),
                expectedRow(3, t, null, 30.0, null, null),
                expectedRow(1, "2026-04-30T00:00:00Z", null, null, null, null));
        assertThat(client.jsonRows(id)).containsExactlyElementsOf(expected);

        OfflineQueryClient.ParquetResult parquet = client.parquetRows(id, dir);
        assertThat(parquet.types())
                .containsExactly(
                        Map.entry("user.id", "BIGINT"),
                        Map.entry("input_time", "TIMESTAMP WITH TIME ZONE"),
                        Map.entry("user.score", "DOUBLE"),
                        Map.entry("user.recent", "DOUBLE"),
                        Map.entry("user.segment", "VARCHAR"),
                        Map.entry("user.seen_at", "TIMESTAMP WITH TIME ZONE"));
        long tUs = micros(t);
        long seenUs = micros(seen);
        assertThat(parquet.rows())
                .containsExactly(
                        Arrays.asList(1L, tUs, 2.0, 10.0, "a", seenUs),
                        Arrays.asList(1L, tUs - 1, 1.0, 10.0, "a", seenUs),
                        Arrays.asList(2L, tUs, 5.0, null, null, null),
                        Arrays.asList(2L, tUs, 5.0, null, null, null),
                        Arrays.asList(999L, tUs, null, null, null, null),
                        Arrays.asList(1L, tUs, 2.0, 10.0, "a", seenUs),
                        Arrays.asList(3L, tUs, null, 30.0, null, null),
                        Arrays.asList(1L, micros("2026-04-30T00:00:00Z"), null, null, null, null));

        // the Arrow IPC stream: the same columns, in the same order, with the same values
        OfflineQueryClient.ArrowResult arrow = client.arrowRows(id);
        assertThat(arrow.columns()).containsExactlyElementsOf(parquet.types().keySet());
        assertThat(arrow.types())
                .containsExactly(
                        "Int(64, true)",
                        "Timestamp(MICROSECOND, UTC)",
                        "FloatingPoint(DOUBLE)",
                        "FloatingPoint(DOUBLE)",
                        "Utf8",
                        "Timestamp(MICROSECOND, UTC)");
        assertThat(arrow.rows()).containsExactlyElementsOf(parquet.rows());
    }

    private static Map<String, Object> expectedRow(
            long id, String t, Double score, Double recent, String segment, String seenAt) {
        Map<String, Object> m = new HashMap<>();
        m.put("user.id", (int) id);
        m.put("input_time", t);
        m.put("user.score", score == null ? null : score.floatValue());
        m.put("user.recent", recent == null ? null : recent.floatValue());
        m.put("user.segment", segment);
        m.put("user.seen_at", seenAt);
        return m;
    }

    private static long micros(String t) {
        Instant i = Instant.parse(t);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    @Test
    void outputsOfTwoEntitiesAreLookedUpPerEntityAndJoinedRowByRow() throws Exception {
        ingestUsers();
        client.ingest(List.of(
                row("merchant.id", "m1", "merchant.risk", 7, "__ts__", "2026-05-01T11:00:00Z"),
                row("merchant.id", "m2", "merchant.risk", 9, "__ts__", "2026-05-01T13:00:00Z")));

        Map<String, Object> inputs = new LinkedHashMap<>(); // the spine's columns come in this order
        inputs.put("user.id", List.of(1, 2, 1));
        inputs.put("merchant.id", List.of("m1", "m2", "m2"));
        String id = client.submitOk(Map.of(
                "inputs", inputs,
                "input_times", List.of("2026-05-01T12:00:00Z", "2026-05-01T14:00:00Z", "2026-05-01T12:00:00Z"),
                "outputs", List.of("merchant.risk", "user.score")));
        client.awaitSucceeded(id);

        OfflineQueryClient.ParquetResult parquet = client.parquetRows(id, dir);
        assertThat(parquet.types().keySet())
                .containsExactly("user.id", "merchant.id", "input_time", "merchant.risk", "user.score");
        assertThat(parquet.types().get("merchant.id")).isEqualTo("VARCHAR");
        assertThat(parquet.types().get("merchant.risk")).isEqualTo("BIGINT");
        long t = micros("2026-05-01T12:00:00Z");
        assertThat(parquet.rows())
                .containsExactly(
                        Arrays.asList(1L, "m1", t, 7L, 2.0),
                        Arrays.asList(2L, "m2", micros("2026-05-01T14:00:00Z"), 9L, 5.0),
                        Arrays.asList(1L, "m2", t, null, 2.0));
    }

    @Test
    void aParquetSpineUploadGivesTheSameValuesAsAJsonSpine() throws Exception {
        ingestUsers();
        Path spine = dir.resolve("spine.parquet");
        // INTEGER keys and a TIMESTAMP without zone (read as UTC): converted to the spine's types
        OfflineQueryClient.writeParquet(
                spine,
                "SELECT CAST(k AS INTEGER) AS \"user.id\", CAST(t AS TIMESTAMP) AS input_time FROM (VALUES"
                        + " (1, '2026-05-01 12:00:00'), (2, '2026-05-01 12:00:00'), (1, '2026-05-01 11:59:59.999999'), (3, '2026-05-01 12:00:00')) v(k, t)");

        String id = client.submitParquet(
                        spine, "?outputs=user.score,user.recent&outputs=user.segment&dataset_name=upload")
                .statusCode(202)
                .body("status", equalTo("QUEUED"))
                .extract()
                .path("job_id");
        client.awaitSucceeded(id);

        assertThat(client.jsonRows(id).stream()
                        .map(r -> Arrays.asList(
                                r.get("user.id"), r.get("user.score"), r.get("user.recent"), r.get("user.segment")))
                        .toList())
                .containsExactly(
                        Arrays.asList(1, 2.0f, 10.0f, "a"),
                        Arrays.asList(2, 5.0f, null, null),
                        Arrays.asList(1, 1.0f, 10.0f, "a"),
                        Arrays.asList(3, null, 30.0f, null));
        given().header(OfflineQueryClient.ENV, client.env)
                .get(PATH + "/" + id + "/result?format=parquet")
                .then()
                .statusCode(200)
                .header("Content-Disposition", containsString("upload.parquet"));
    }

    @Test
    void aParquetSpineLargerThanTheJsonBodyLimitIsAccepted() throws Exception {
        client.ingest(List.of(row("user.id", 7, "user.score", 7.0, "__ts__", "2026-05-01T00:00:00Z")));
        Path spine = dir.resolve("large.parquet");
        // random keys and times: about 13 bytes a row after compression, so well past the 8 MiB limit of JSON bodies
        OfflineQueryClient.writeParquet(
                spine,
                "SELECT CAST(hash(range) % 100000 AS BIGINT) AS \"user.id\", make_timestamptz(1777593600000000"
                        + " + CAST(hash(range + 1) % 86400000000 AS BIGINT)) AS input_time FROM range(1200000)");
        assertThat(Files.size(spine)).isGreaterThan(9L * 1024 * 1024);

        String id = client.submitParquet(spine, "?outputs=user.score")
                .statusCode(202)
                .extract()
                .path("job_id");
        JsonPath done = client.awaitSucceeded(id);

        assertThat(done.getLong("result.rows")).isEqualTo(1_200_000L);
        assertThat(done.getLong("progress.rows_total")).isEqualTo(1_200_000L);
    }

    @Test
    void theSameObservationTimeWrittenTwiceGivesTheLaterWrite() throws Exception {
        client.ingest(List.of(row("user.id", 5, "user.score", 1.0, "__ts__", "2026-05-01T09:00:00Z")));
        client.ingest(List.of(row("user.id", 5, "user.score", 3.0, "__ts__", "2026-05-01T09:00:00Z")));
        client.ingest(List.of(row("user.id", 6, "user.score", 3.0, "__ts__", "2026-05-01T09:00:00Z")));
        client.ingest(List.of(row("user.id", 6, "user.score", 1.0, "__ts__", "2026-05-01T09:00:00Z")));

        String id = client.submitOk(Map.of(
                "inputs",
                Map.of("user.id", List.of(5, 6)),
                "input_times",
                List.of("2026-05-01T09:00:00Z", "2026-05-01T09:00:00Z"),
                "outputs",
                List.of("user.score")));
        client.awaitSucceeded(id);

        assertThat(client.jsonRows(id).stream().map(r -> r.get("user.score")).toList())
                .containsExactly(3.0f, 1.0f);
    }

    @Test
    void anUnknownJobIsNotFoundAndAJobIsOnlyVisibleInItsEnvironment() {
        given().header(OfflineQueryClient.ENV, client.env)
                .get(PATH + "/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("NOT_FOUND"));
        given().header(OfflineQueryClient.ENV, client.env)
                .get(PATH + "/..%2F..%2Fetc")
                .then()
                .statusCode(404);
        String id = client.submitOk(Map.of(
                "inputs",
                Map.of("user.id", List.of(1)),
                "input_times",
                List.of("2026-05-01T12:00:00Z"),
                "outputs",
                List.of("user.score")));
        given().header(OfflineQueryClient.ENV, "default")
                .get(PATH + "/" + id)
                .then()
                .statusCode(404);
        given().header(OfflineQueryClient.ENV, client.env)
                .get(PATH + "/" + id)
                .then()
                .statusCode(200)
                .body("job_id", equalTo(id))
                .body("created_at", notNullValue())
                .body("outputs", hasItem("user.score"));
    }
}
